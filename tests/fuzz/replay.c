/*
 * Replay driver for duet's fuzz targets: without libFuzzer, each target is
 * linked with this main, which feeds it every file of its corpus (the
 * directory compiled in as DUET_FUZZ_CORPUS, or the files and directories
 * given as arguments) and prints one TAP line per input. A crash or a
 * sanitizer report fails the run; so corpora are regression tests in
 * "make check". Build with ./configure --enable-fuzzing CC=clang for the
 * real fuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_count;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		printf("not ok %d - %s: %s\n", ++replay_count, path, strerror(errno));
		return 1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				printf("not ok %d - %s: out of memory\n", ++replay_count, path);
				return 1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	/* libFuzzer passes a buffer of exactly the input's size */
	uint8_t *exact = malloc(len ? len : 1);

	if (!exact) {
		free(buf);
		printf("not ok %d - %s: out of memory\n", ++replay_count, path);
		return 1;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	printf("ok %d - %s\n", ++replay_count, path);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char **names = NULL;
	size_t n = 0, i;
	int failed = 0;

	if (stat(path, &st) != 0) {
		printf("not ok %d - %s: %s\n", ++replay_count, path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	d = opendir(path);
	if (!d) {
		printf("not ok %d - %s: %s\n", ++replay_count, path, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn)
			break;
		names = nn;
		if (asprintf(&names[n], "%s/%s", path, de->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		failed |= replay_path(names[i]);
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			failed |= replay_path(argv[i]);
	} else {
#ifdef DUET_FUZZ_CORPUS
		failed |= replay_path(DUET_FUZZ_CORPUS);
#else
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
#endif
	}
	if (replay_count == 0)
		printf("not ok 1 - empty corpus\n"), failed = 1;
	printf("1..%d\n", replay_count);
	return failed;
}
