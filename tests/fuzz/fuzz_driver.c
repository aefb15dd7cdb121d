/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replay driver for the fuzz targets when they are not built with
 * libFuzzer (gcc builds, ci/test): runs every corpus file given on the
 * command line, then a fixed-seed run of mutated corpus files and random
 * buffers, so each parser meets hostile input in every test run. A
 * target's LLVMFuzzerInitialize(), if it has one, runs first. With
 * clang, -Dfuzz=true builds the same targets as real libFuzzer binaries.
 *   fuzz_X [-n ITERATIONS] [-s SEED] FILE|DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, as in libFuzzer: one-time setup of a target (EAL). */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define MAX_INPUTS 256
#define MAX_LEN 65536

static uint8_t *inputs[MAX_INPUTS];
static size_t lens[MAX_INPUTS];
static unsigned int nb_inputs;

static void
load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (f == NULL || nb_inputs == MAX_INPUTS) {
		if (f != NULL)
			fclose(f);
		return;
	}
	buf = malloc(MAX_LEN);
	if (buf == NULL) {
		fclose(f);
		return;
	}
	n = fread(buf, 1, MAX_LEN, f);
	fclose(f);
	inputs[nb_inputs] = buf;
	lens[nb_inputs++] = n;
}

static void
load(const char *path)
{
	struct dirent *de;
	struct stat sb;
	char sub[4096];
	DIR *d;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "fuzz: %s: not found\n", path);
		exit(2);
	}
	if (!S_ISDIR(sb.st_mode)) {
		load_file(path);
		return;
	}
	d = opendir(path);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		load_file(sub);
	}
	closedir(d);
}

/* One mutation of a copy: flip, insert, delete, truncate or splice. */
static size_t
mutate(uint8_t *buf, size_t len, size_t cap)
{
	size_t pos = len > 0 ? (size_t)random() % len : 0;

	switch (random() % 6) {
	case 0:
		if (len > 0)
			buf[pos] ^= (uint8_t)(1u << (random() % 8));
		break;
	case 1:
		if (len > 0)
			buf[pos] = (uint8_t)random();
		break;
	case 2:
		if (len < cap) {
			memmove(buf + pos + 1, buf + pos, len - pos);
			buf[pos] = (uint8_t)random();
			len++;
		}
		break;
	case 3:
		if (len > 0) {
			memmove(buf + pos, buf + pos + 1, len - pos - 1);
			len--;
		}
		break;
	case 4:
		len = pos;
		break;
	default:
		if (len > 0) {
			static const uint8_t magic[] = {0x00, 0xff, 0x7f, 0x80,
							'"',  '{',  '[',  ':'};
			buf[pos] = magic[random() % sizeof(magic)];
		}
		break;
	}
	return len;
}

int
main(int argc, char **argv)
{
	unsigned long iters = 20000, i;
	unsigned int seed = 1;
	uint8_t *buf;
	int a;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-n") == 0 && a + 1 < argc)
			iters = strtoul(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "-s") == 0 && a + 1 < argc)
			seed = (unsigned int)strtoul(argv[++a], NULL, 10);
		else
			load(argv[a]);
	}
	for (i = 0; i < nb_inputs; i++)
		LLVMFuzzerTestOneInput(inputs[i], lens[i]);
	buf = malloc(MAX_LEN);
	if (buf == NULL)
		return 1;
	srandom(seed);
	for (i = 0; i < iters; i++) {
		size_t len;
		int k, rounds = 1 + (int)(random() % 8);

		if (nb_inputs > 0 && random() % 4 != 0) {
			unsigned int pick = (unsigned int)random() % nb_inputs;

			len = lens[pick];
			memcpy(buf, inputs[pick], len);
		} else {
			len = (size_t)random() % 512;
			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)random();
		}
		for (k = 0; k < rounds; k++)
			len = mutate(buf, len, MAX_LEN);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("fuzz: %u corpus inputs, %lu mutated runs, seed %u: no crash\n",
	       nb_inputs, iters, seed);
	for (i = 0; i < nb_inputs; i++)
		free(inputs[i]);
	free(buf);
	return 0;
}
