/* Sieve of Eratosthenes over a byte array: memory loads/stores, loops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8000000;
	int reps = 3, count = 0;
	unsigned char *composite = malloc((size_t)n + 1);
	for (int r = 0; r < reps; r++) {
		memset(composite, 0, (size_t)n + 1);
		count = 0;
		for (int i = 2; i <= n; i++) {
			if (composite[i])
				continue;
			count++;
			for (long long j = (long long)i * i; j <= n; j += i)
				composite[j] = 1;
		}
	}
	printf("primes <= %d: %d\n", n, count);
	free(composite);
	return 0;
}
