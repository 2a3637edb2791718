// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * svmgpu-as: the assembler of svmgpu's compute ISA, on the command line.
 *
 *   svmgpu-as [-o OUT] [-x] [FILE]   assemble FILE (or standard input)
 *   svmgpu-as -d [-o OUT] [FILE]     disassemble a binary program
 *
 * Assembling writes the program as the GPU reads it, 64-bit little-endian
 * words, to OUT or standard output; with -x, as a C array instead, each
 * instruction commented with its disassembly. Disassembling writes
 * assembler text that assembles back into the same program. The syntax is
 * "DOC: compute assembler" in svmgpu_prog.h.
 *
 * Exit status: 0 on success, 1 on an error in the input or of I/O, 2 for
 * bad usage.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svmgpu_drm.h"
#include "svmgpu_prog.h"

static const char *prog_name = "svmgpu-as";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-o OUT] [-x] [FILE]   assemble (FILE or standard input)\n"
		"       %s -d [-o OUT] [FILE]     disassemble a binary program\n"
		"  -o OUT  write to OUT instead of standard output\n"
		"  -x      write a C array with a listing, not binary\n"
		"  -d      disassemble\n"
		"  -h      this help\n",
		prog_name, prog_name);
}

/* All of @f, NUL-terminated; *@len is the length without the NUL. */
static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap), *bigger;

	while (buf) {
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n < cap - 1) {
			if (ferror(f))
				break;
			buf[n] = '\0';
			*len = n;
			return buf;
		}
		cap *= 2;
		bigger = realloc(buf, cap);
		if (!bigger)
			break;
		buf = bigger;
	}
	free(buf);
	return NULL;
}

/* The C array and listing of -x. */
static void write_listing(FILE *out, const char *source_name,
			  const uint64_t *insns, uint32_t count)
{
	char text[64];
	uint32_t i;

	fprintf(out, "/* %u instructions, assembled by svmgpu-as from %s. */\n",
		count, source_name);
	fprintf(out, "static const uint64_t svmgpu_program[%u] = {\n", count);
	for (i = 0; i < count; i++) {
		uint64_t insn = le64toh(insns[i]);

		svmgpu_disasm(insn, text, sizeof(text));
		fprintf(out, "\t0x%016llxull,\t/* %4u: %s */\n",
			(unsigned long long)insn, i, text);
	}
	fprintf(out, "};\n");
}

static int assemble(const char *source_name, const char *text, FILE *out,
		    bool listing)
{
	struct svmgpu_prog *p;
	char err[256];
	int ret;

	ret = svmgpu_prog_new(&p);
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog_name, strerror(-ret));
		return 1;
	}
	ret = svmgpu_asm(p, text, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", source_name, err);
		svmgpu_prog_del(p);
		return 1;
	}

	if (listing)
		write_listing(out, source_name, svmgpu_prog_insns(p),
			      svmgpu_prog_count(p));
	else if (svmgpu_prog_count(p))
		fwrite(svmgpu_prog_insns(p), 1, svmgpu_prog_size(p), out);
	svmgpu_prog_del(p);
	return 0;
}

static int disassemble(const char *source_name, const char *bin, size_t len,
		       FILE *out)
{
	char text[64];
	uint64_t insn;
	size_t i;

	if (len % 8) {
		fprintf(stderr, "%s: %s: %zu bytes, not whole 8-byte instructions\n",
			prog_name, source_name, len);
		return 1;
	}
	fprintf(out, "# %zu instructions, disassembled by svmgpu-as from %s\n",
		len / 8, source_name);
	for (i = 0; i < len / 8; i++) {
		memcpy(&insn, bin + i * 8, 8);
		insn = le64toh(insn);
		/* An invalid word comes out as .insn, which assembles back. */
		svmgpu_disasm(insn, text, sizeof(text));
		fprintf(out, "\t%-32s# %4zu: 0x%016llx\n", text, i,
			(unsigned long long)insn);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *out_name = NULL, *in_name = "<stdin>";
	bool listing = false, disasm = false;
	FILE *in = stdin, *out = stdout;
	size_t len;
	char *text;
	int opt, status;

	while ((opt = getopt(argc, argv, "o:xdh")) != -1) {
		switch (opt) {
		case 'o':
			out_name = optarg;
			break;
		case 'x':
			listing = true;
			break;
		case 'd':
			disasm = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1 || (listing && disasm)) {
		usage(stderr);
		return 2;
	}

	if (optind < argc && strcmp(argv[optind], "-")) {
		in_name = argv[optind];
		in = fopen(in_name, "rb");
		if (!in) {
			fprintf(stderr, "%s: %s: %s\n", prog_name, in_name,
				strerror(errno));
			return 1;
		}
	}
	text = read_all(in, &len);
	if (in != stdin)
		fclose(in);
	if (!text) {
		fprintf(stderr, "%s: %s: cannot read\n", prog_name, in_name);
		return 1;
	}

	if (out_name) {
		out = fopen(out_name, listing || disasm ? "w" : "wb");
		if (!out) {
			fprintf(stderr, "%s: %s: %s\n", prog_name, out_name,
				strerror(errno));
			free(text);
			return 1;
		}
	}

	if (disasm) {
		status = disassemble(in_name, text, len, out);
	} else if (strlen(text) != len) {
		fprintf(stderr, "%s: %s: a NUL byte in the text\n", prog_name,
			in_name);
		status = 1;
	} else {
		status = assemble(in_name, text, out, listing);
	}
	free(text);

	if (fflush(out) || (out != stdout && fclose(out))) {
		fprintf(stderr, "%s: %s: %s\n", prog_name,
			out_name ? out_name : "<stdout>", strerror(errno));
		status = 1;
	}
	if (status && out_name && !disasm)
		remove(out_name);
	return status;
}
