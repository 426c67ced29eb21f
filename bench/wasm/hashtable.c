/* Chained hash table with malloc'd nodes: pointer chasing, allocation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
	uint32_t key, val;
	struct node *next;
};

int main(int argc, char **argv)
{
	uint32_t n = (uint32_t)(argc > 1 ? atoi(argv[1]) : 200000);
	uint32_t nb = 1u << 16; /* index with the top 18 bits of a multiplicative hash */
	struct node **tab = calloc(nb, sizeof(*tab));
	uint32_t x = 12345;
	for (uint32_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		uint32_t k = x >> 3, b = (k * 2654435761u) >> 16;
		struct node *e = tab[b];
		while (e && e->key != k)
			e = e->next;
		if (e) {
			e->val++;
			continue;
		}
		e = malloc(sizeof(*e));
		e->key = k;
		e->val = 1;
		e->next = tab[b];
		tab[b] = e;
	}
	uint64_t found = 0;
	x = 12345;
	for (int r = 0; r < 10; r++)
		for (uint32_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			uint32_t k = (x >> 3) ^ (uint32_t)(r & 1), b = (k * 2654435761u) >> 16;
			for (struct node *e = tab[b]; e; e = e->next)
				if (e->key == k) {
					found += e->val;
					break;
				}
		}
	for (uint32_t b = 0; b < nb; b++)
		while (tab[b]) {
			struct node *e = tab[b];
			tab[b] = e->next;
			free(e);
		}
	free(tab);
	printf("hashtable: %llu\n", (unsigned long long)found);
	return 0;
}
