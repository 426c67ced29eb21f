/* Dense double matrix multiply: float arithmetic and address math. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 300;
	double *a = malloc(sizeof(double) * n * n);
	double *b = malloc(sizeof(double) * n * n);
	double *c = malloc(sizeof(double) * n * n);
	for (int i = 0; i < n * n; i++) {
		a[i] = (double)(i % 17) * 0.5;
		b[i] = (double)(i % 13) * 0.25;
	}
	for (int rep = 0; rep < 3; rep++)
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++) {
				double s = 0;
				for (int k = 0; k < n; k++)
					s += a[i * n + k] * b[k * n + j];
				c[i * n + j] = s + rep;
			}
	double sum = 0;
	for (int i = 0; i < n * n; i++)
		sum += c[i];
	printf("matmul %d: %.3f\n", n, sum);
	return 0;
}
