// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The svmgpu authors
 *
 * libsvmgpu: the text assembler and the disassembler of the compute ISA
 * ("DOC: compute assembler" in svmgpu_prog.h).
 *
 * The assembler reads a line at a time and emits through the public
 * functions of the program builder, into a program of its own, whose labels
 * resolve the branches; the result is appended to the caller's program
 * only when the whole text is good. Like svmgpu_prog.c, this file depends
 * on svmgpu_prog.h and the uAPI header only.
 */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmgpu_drm.h"
#include "svmgpu_prog.h"

#ifndef SVMGPU_PUBLIC
#define SVMGPU_PUBLIC __attribute__((visibility("default")))
#endif

/* The operands an instruction takes, which say how to read and print it. */
enum asm_form {
	F_ALU,		/* rd, ra, rb|imm */
	F_MAD,		/* rd, ra, rb|imm, rc */
	F_LI,		/* rd, value (any 64 bits: LI, or LI and LIH) */
	F_LIH,		/* rd, imm */
	F_LOAD,		/* rd, [ra + off] */
	F_STORE,	/* [ra + off], rb */
	F_ATOMIC,	/* rd, [ra + off], rb */
	F_CMPXCHG,	/* rd, [ra + off], rb, rc */
	F_BR,		/* target */
	F_BZ,		/* ra, target */
	F_BCMP,		/* ra, rb, target */
	F_NONE,		/* no operand */
	F_MOV,		/* rd, ra: pseudo, ADD rd, ra, 0 */
	F_NOP,		/* pseudo, ADD r0, r0, 0 */
};

/* Operand count and usage of each form, for the error messages. */
static const struct {
	unsigned int operands;
	const char *usage;
} asm_forms[] = {
	[F_ALU] = { 3, "rd, ra, rb|imm" },
	[F_MAD] = { 4, "rd, ra, rb|imm, rc" },
	[F_LI] = { 2, "rd, value" },
	[F_LIH] = { 2, "rd, imm" },
	[F_LOAD] = { 2, "rd, [ra + off]" },
	[F_STORE] = { 2, "[ra + off], rb" },
	[F_ATOMIC] = { 3, "rd, [ra + off], rb" },
	[F_CMPXCHG] = { 4, "rd, [ra + off], rb, rc" },
	[F_BR] = { 1, "target" },
	[F_BZ] = { 2, "ra, target" },
	[F_BCMP] = { 3, "ra, rb, target" },
	[F_NONE] = { 0, "" },
	[F_MOV] = { 2, "rd, ra" },
	[F_NOP] = { 0, "" },
};

struct asm_op {
	const char *name;
	uint8_t op;
	uint8_t form;
};

/* Every mnemonic; the pseudo-instructions last, with op 0. */
static const struct asm_op asm_ops[] = {
	{ "add", DRM_SVMGPU_OP_ADD, F_ALU },
	{ "sub", DRM_SVMGPU_OP_SUB, F_ALU },
	{ "mul", DRM_SVMGPU_OP_MUL, F_ALU },
	{ "and", DRM_SVMGPU_OP_AND, F_ALU },
	{ "or", DRM_SVMGPU_OP_OR, F_ALU },
	{ "xor", DRM_SVMGPU_OP_XOR, F_ALU },
	{ "shl", DRM_SVMGPU_OP_SHL, F_ALU },
	{ "shr", DRM_SVMGPU_OP_SHR, F_ALU },
	{ "sar", DRM_SVMGPU_OP_SAR, F_ALU },
	{ "seq", DRM_SVMGPU_OP_SEQ, F_ALU },
	{ "sne", DRM_SVMGPU_OP_SNE, F_ALU },
	{ "slt", DRM_SVMGPU_OP_SLT, F_ALU },
	{ "sge", DRM_SVMGPU_OP_SGE, F_ALU },
	{ "sltu", DRM_SVMGPU_OP_SLTU, F_ALU },
	{ "sgeu", DRM_SVMGPU_OP_SGEU, F_ALU },
	{ "mad", DRM_SVMGPU_OP_MAD, F_MAD },
	{ "li", DRM_SVMGPU_OP_LI, F_LI },
	{ "lih", DRM_SVMGPU_OP_LIH, F_LIH },
	{ "ld8", DRM_SVMGPU_OP_LD8, F_LOAD },
	{ "ld16", DRM_SVMGPU_OP_LD16, F_LOAD },
	{ "ld32", DRM_SVMGPU_OP_LD32, F_LOAD },
	{ "ld64", DRM_SVMGPU_OP_LD64, F_LOAD },
	{ "lds8", DRM_SVMGPU_OP_LDS8, F_LOAD },
	{ "lds16", DRM_SVMGPU_OP_LDS16, F_LOAD },
	{ "lds32", DRM_SVMGPU_OP_LDS32, F_LOAD },
	{ "st8", DRM_SVMGPU_OP_ST8, F_STORE },
	{ "st16", DRM_SVMGPU_OP_ST16, F_STORE },
	{ "st32", DRM_SVMGPU_OP_ST32, F_STORE },
	{ "st64", DRM_SVMGPU_OP_ST64, F_STORE },
	{ "aadd32", DRM_SVMGPU_OP_AADD32, F_ATOMIC },
	{ "axchg32", DRM_SVMGPU_OP_AXCHG32, F_ATOMIC },
	{ "acmpxchg32", DRM_SVMGPU_OP_ACMPXCHG32, F_CMPXCHG },
	{ "amin32", DRM_SVMGPU_OP_AMIN32, F_ATOMIC },
	{ "amax32", DRM_SVMGPU_OP_AMAX32, F_ATOMIC },
	{ "aminu32", DRM_SVMGPU_OP_AMINU32, F_ATOMIC },
	{ "amaxu32", DRM_SVMGPU_OP_AMAXU32, F_ATOMIC },
	{ "aadd64", DRM_SVMGPU_OP_AADD64, F_ATOMIC },
	{ "axchg64", DRM_SVMGPU_OP_AXCHG64, F_ATOMIC },
	{ "acmpxchg64", DRM_SVMGPU_OP_ACMPXCHG64, F_CMPXCHG },
	{ "amin64", DRM_SVMGPU_OP_AMIN64, F_ATOMIC },
	{ "amax64", DRM_SVMGPU_OP_AMAX64, F_ATOMIC },
	{ "aminu64", DRM_SVMGPU_OP_AMINU64, F_ATOMIC },
	{ "amaxu64", DRM_SVMGPU_OP_AMAXU64, F_ATOMIC },
	{ "br", DRM_SVMGPU_OP_BR, F_BR },
	{ "bz", DRM_SVMGPU_OP_BZ, F_BZ },
	{ "bnz", DRM_SVMGPU_OP_BNZ, F_BZ },
	{ "beq", DRM_SVMGPU_OP_BEQ, F_BCMP },
	{ "bne", DRM_SVMGPU_OP_BNE, F_BCMP },
	{ "blt", DRM_SVMGPU_OP_BLT, F_BCMP },
	{ "bge", DRM_SVMGPU_OP_BGE, F_BCMP },
	{ "bltu", DRM_SVMGPU_OP_BLTU, F_BCMP },
	{ "bgeu", DRM_SVMGPU_OP_BGEU, F_BCMP },
	{ "fence", DRM_SVMGPU_OP_FENCE, F_NONE },
	{ "exit", DRM_SVMGPU_OP_EXIT, F_NONE },
	{ "mov", 0, F_MOV },
	{ "nop", 0, F_NOP },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The most operands an instruction takes. */
#define ASM_MAX_OPERANDS	4

/*
 * A number as written: a magnitude and a sign, so that both -2^63 and
 * 2^64 - 1 can be told from what does not fit.
 */
struct asm_num {
	uint64_t mag;
	bool neg;
};

/* A name: a label or a .equ constant. */
struct asm_sym {
	char *name;
	bool is_equ;
	/* A label: its number in the program, whether it is bound yet. */
	uint32_t label;
	bool bound;
	/* The line of the definition, or of the first use of a label. */
	unsigned int line;
	/* A constant: its value. */
	struct asm_num value;
};

struct asm_ctx {
	/* The program being assembled, and the caller's length before it. */
	struct svmgpu_prog *prog;
	uint32_t base;

	/* The current line, from 1. */
	unsigned int line;

	/* The caller's message buffer. */
	char *err;
	size_t errlen;

	struct asm_sym *syms;
	size_t num_syms;
	size_t syms_capacity;
};

/* Write "line N: ..." into the caller's buffer; return @ret. */
static int __attribute__((format(printf, 3, 4)))
asm_error(struct asm_ctx *ctx, int ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ctx->err || !ctx->errlen)
		return ret;
	n = snprintf(ctx->err, ctx->errlen, "line %u: ", ctx->line);
	if (n >= 0 && (size_t)n < ctx->errlen) {
		va_start(ap, fmt);
		vsnprintf(ctx->err + n, ctx->errlen - n, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* ---- Lexing ------------------------------------------------------------- */

static char *skip_space(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Cut trailing blanks off @s, in place. */
static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The length of the name at @s, 0 if there is none. */
static size_t ident_len(const char *s)
{
	size_t n = 0;

	if (!is_ident_start(s[0]))
		return 0;
	while (is_ident_char(s[n]))
		n++;
	return n;
}

/* Whether @s, of @n characters, is "r" and digits: a register's shape. */
static bool looks_like_reg(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || (s[0] != 'r' && s[0] != 'R'))
		return false;
	for (i = 1; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Whether @s is a whole name (and nothing else). */
static bool is_name(const char *s)
{
	size_t n = ident_len(s);

	return n && !s[n];
}

/* ---- Names -------------------------------------------------------------- */

static struct asm_sym *sym_find(struct asm_ctx *ctx, const char *name)
{
	size_t i;

	for (i = 0; i < ctx->num_syms; i++)
		if (!strcmp(ctx->syms[i].name, name))
			return &ctx->syms[i];
	return NULL;
}

/* A new name, not defined yet; NULL with the error written on failure. */
static struct asm_sym *sym_add(struct asm_ctx *ctx, const char *name,
			       int *ret)
{
	struct asm_sym *sym;

	if (looks_like_reg(name, strlen(name))) {
		*ret = asm_error(ctx, -EINVAL,
				 "'%s' is a register, not a name", name);
		return NULL;
	}
	if (ctx->num_syms == ctx->syms_capacity) {
		size_t n = ctx->syms_capacity ? 2 * ctx->syms_capacity : 16;

		sym = realloc(ctx->syms, n * sizeof(*sym));
		if (!sym) {
			*ret = asm_error(ctx, -ENOMEM, "out of memory");
			return NULL;
		}
		ctx->syms = sym;
		ctx->syms_capacity = n;
	}
	sym = &ctx->syms[ctx->num_syms];
	*sym = (struct asm_sym) { .line = ctx->line };
	sym->name = strdup(name);
	if (!sym->name) {
		*ret = asm_error(ctx, -ENOMEM, "out of memory");
		return NULL;
	}
	ctx->num_syms++;
	return sym;
}

/* The label called @name, made on its first use. */
static int sym_label(struct asm_ctx *ctx, const char *name,
		     struct asm_sym **out)
{
	struct asm_sym *sym = sym_find(ctx, name);
	int ret = 0;

	if (sym && sym->is_equ)
		return asm_error(ctx, -EINVAL,
				 "'%s' is a constant, not a label", name);
	if (!sym) {
		sym = sym_add(ctx, name, &ret);
		if (!sym)
			return ret;
		ret = svmgpu_prog_label(ctx->prog, &sym->label);
		if (ret)
			return asm_error(ctx, ret, "out of memory");
	}
	*out = sym;
	return 0;
}

/* "name:": bind the label to the next instruction. */
static int define_label(struct asm_ctx *ctx, const char *name)
{
	struct asm_sym *sym = sym_find(ctx, name);
	int ret;

	if (sym && (sym->is_equ || sym->bound))
		return asm_error(ctx, -EINVAL, "'%s' is already defined on line %u",
				 name, sym->line);
	ret = sym_label(ctx, name, &sym);
	if (ret)
		return ret;
	ret = svmgpu_prog_bind(ctx->prog, sym->label);
	if (ret)
		return asm_error(ctx, ret, "cannot bind label '%s'", name);
	sym->bound = true;
	sym->line = ctx->line;
	return 0;
}

/* ---- Operands ----------------------------------------------------------- */

static int parse_reg(struct asm_ctx *ctx, const char *s, unsigned int *reg)
{
	unsigned long r;

	if (!looks_like_reg(s, strlen(s)))
		return asm_error(ctx, -EINVAL, "expected a register, got '%s'",
				 s);
	r = strtoul(s + 1, NULL, 10);
	if (r > 15 || strlen(s) > 3)
		return asm_error(ctx, -EINVAL,
				 "no register %s: they are r0 to r15", s);
	*reg = r;
	return 0;
}

/* A number: [+-] then decimal digits, 0x and hex digits, or a constant. */
static int parse_num(struct asm_ctx *ctx, const char *s, struct asm_num *num)
{
	const char *d = s;
	bool neg = false, hex;
	uint64_t mag = 0;
	unsigned int base, digit;

	if (*d == '-' || *d == '+') {
		neg = *d == '-';
		d = skip_space((char *)d + 1);
	}
	if (is_name(d)) {
		struct asm_sym *sym = sym_find(ctx, d);

		if (!sym)
			return asm_error(ctx, -EINVAL,
					 "unknown constant '%s'", d);
		if (!sym->is_equ)
			return asm_error(ctx, -EINVAL,
					 "'%s' is a label, not a number", d);
		*num = sym->value;
		if (neg)
			num->neg = !num->neg && num->mag;
		return 0;
	}

	hex = d[0] == '0' && (d[1] == 'x' || d[1] == 'X');
	base = hex ? 16 : 10;
	if (hex)
		d += 2;
	if (!isxdigit((unsigned char)*d))
		return asm_error(ctx, -EINVAL, "expected a number, got '%s'", s);
	for (; *d; d++) {
		if (isdigit((unsigned char)*d))
			digit = *d - '0';
		else if (hex && isxdigit((unsigned char)*d))
			digit = tolower((unsigned char)*d) - 'a' + 10;
		else
			return asm_error(ctx, -EINVAL,
					 "expected a number, got '%s'", s);
		if (mag > (UINT64_MAX - digit) / base)
			return asm_error(ctx, -EINVAL,
					 "%s does not fit in 64 bits", s);
		mag = mag * base + digit;
	}
	num->mag = mag;
	num->neg = neg && mag;
	return 0;
}

/* Whether @num is a signed 32-bit value. */
static bool num_fits_s32(struct asm_num num)
{
	return num.neg ? num.mag <= 0x80000000ull : num.mag <= 0x7fffffffull;
}

/* A signed 32-bit immediate. */
static int parse_imm(struct asm_ctx *ctx, const char *s, int32_t *imm)
{
	struct asm_num num;
	int ret;

	ret = parse_num(ctx, s, &num);
	if (ret)
		return ret;
	if (!num_fits_s32(num))
		return asm_error(ctx, -EINVAL,
				 "%s does not fit in a signed 32-bit immediate (-2147483648 to 2147483647)",
				 s);
	*imm = (int32_t)(uint32_t)(num.neg ? -num.mag : num.mag);
	return 0;
}

/* Any 64-bit value, signed or unsigned. */
static int parse_value(struct asm_ctx *ctx, const char *s, uint64_t *value)
{
	struct asm_num num;
	int ret;

	ret = parse_num(ctx, s, &num);
	if (ret)
		return ret;
	if (num.neg && num.mag > 0x8000000000000000ull)
		return asm_error(ctx, -EINVAL, "%s does not fit in 64 bits", s);
	*value = num.neg ? -num.mag : num.mag;
	return 0;
}

/* A register or a signed 32-bit immediate, as the "b" of ALU forms. */
static int parse_reg_or_imm(struct asm_ctx *ctx, const char *s,
			    unsigned int *reg, int32_t *imm, bool *is_imm)
{
	*is_imm = !looks_like_reg(s, strlen(s));
	if (*is_imm)
		return parse_imm(ctx, s, imm);
	return parse_reg(ctx, s, reg);
}

/* "[rA]", "[rA + off]" or "[rA - off]"; @s is modified. */
static int parse_mem(struct asm_ctx *ctx, char *s, unsigned int *ra,
		     int32_t *off)
{
	size_t n = strlen(s);
	char *inner, *sign, *rest;
	struct asm_num num;
	bool minus;
	int ret;

	if (s[0] != '[' || s[n - 1] != ']')
		return asm_error(ctx, -EINVAL,
				 "expected a memory operand [rA + off], got '%s'",
				 s);
	s[n - 1] = '\0';
	inner = skip_space(s + 1);
	sign = strpbrk(inner, "+-");
	if (!sign) {
		trim_end(inner);
		*off = 0;
		return parse_reg(ctx, inner, ra);
	}

	minus = *sign == '-';
	*sign = '\0';
	trim_end(inner);
	ret = parse_reg(ctx, inner, ra);
	if (ret)
		return ret;
	rest = skip_space(sign + 1);
	trim_end(rest);
	if (!*rest)
		return asm_error(ctx, -EINVAL, "missing offset after '%c'",
				 minus ? '-' : '+');
	ret = parse_num(ctx, rest, &num);
	if (ret)
		return ret;
	if (minus)
		num.neg = !num.neg && num.mag;
	if (!num_fits_s32(num))
		return asm_error(ctx, -EINVAL,
				 "offset %c%s does not fit in a signed 32-bit immediate",
				 minus ? '-' : '+', rest);
	*off = (int32_t)(uint32_t)(num.neg ? -num.mag : num.mag);
	return 0;
}

/*
 * A branch target: a label, or ".+N" / ".-N" from the branch. Set *@sym
 * for a label, otherwise *@rel.
 */
static int parse_target(struct asm_ctx *ctx, const char *s,
			struct asm_sym **sym, int32_t *rel)
{
	*sym = NULL;
	if (s[0] == '.') {
		const char *d = skip_space((char *)s + 1);

		if (*d != '+' && *d != '-')
			return asm_error(ctx, -EINVAL,
					 "expected a label, .+N or .-N, got '%s'",
					 s);
		return parse_imm(ctx, d, rel);
	}
	if (!is_name(s))
		return asm_error(ctx, -EINVAL,
				 "expected a label, .+N or .-N, got '%s'", s);
	return sym_label(ctx, s, sym);
}

/* ---- Instructions ------------------------------------------------------- */

/* Whether @n more instructions fit in the caller's program. */
static int asm_room(struct asm_ctx *ctx, uint32_t n)
{
	if (ctx->base + svmgpu_prog_count(ctx->prog) + n >
	    DRM_SVMGPU_PROGRAM_MAX_INSNS)
		return asm_error(ctx, -E2BIG,
				 "the program is longer than %u instructions",
				 DRM_SVMGPU_PROGRAM_MAX_INSNS);
	return 0;
}

/* The result of a builder call, whose arguments were checked. */
static int asm_emitted(struct asm_ctx *ctx, int ret)
{
	if (ret == -ENOMEM)
		return asm_error(ctx, ret, "out of memory");
	if (ret)
		return asm_error(ctx, ret, "cannot encode this (%s)",
				 strerror(-ret));
	return 0;
}

static const struct asm_op *find_op(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(asm_ops); i++)
		if (!strcmp(asm_ops[i].name, name))
			return &asm_ops[i];
	return NULL;
}

/* A branch, to a label or to a relative offset. */
static int emit_branch(struct asm_ctx *ctx, uint8_t op, unsigned int ra,
		       unsigned int rb, const char *target)
{
	struct asm_sym *sym;
	int32_t rel;
	int ret;

	ret = parse_target(ctx, target, &sym, &rel);
	if (ret)
		return ret;
	if (sym)
		return asm_emitted(ctx, svmgpu_prog_branch(ctx->prog, op, ra,
							   rb, sym->label));
	return asm_emitted(ctx, svmgpu_prog_emit(ctx->prog,
			   DRM_SVMGPU_INSN(op, 0, ra, rb, 0, rel)));
}

/* One instruction of @o's form, with its @n operands. */
static int emit_insn(struct asm_ctx *ctx, const struct asm_op *o,
		     char **opd)
{
	struct svmgpu_prog *p = ctx->prog;
	unsigned int rd = 0, ra = 0, rb = 0, rc = 0;
	int32_t imm = 0;
	uint64_t value;
	bool is_imm;
	int ret;

	ret = asm_room(ctx, 1);
	if (ret)
		return ret;

	switch (o->form) {
	case F_ALU:
		ret = parse_reg(ctx, opd[0], &rd) ?:
		      parse_reg(ctx, opd[1], &ra) ?:
		      parse_reg_or_imm(ctx, opd[2], &rb, &imm, &is_imm);
		if (ret)
			return ret;
		return asm_emitted(ctx, is_imm ?
				   svmgpu_prog_alui(p, o->op, rd, ra, imm) :
				   svmgpu_prog_alu(p, o->op, rd, ra, rb));
	case F_MAD:
		ret = parse_reg(ctx, opd[0], &rd) ?:
		      parse_reg(ctx, opd[1], &ra) ?:
		      parse_reg_or_imm(ctx, opd[2], &rb, &imm, &is_imm) ?:
		      parse_reg(ctx, opd[3], &rc);
		if (ret)
			return ret;
		return asm_emitted(ctx, is_imm ?
				   svmgpu_prog_madi(p, rd, ra, imm, rc) :
				   svmgpu_prog_mad(p, rd, ra, rb, rc));
	case F_LI:
		ret = parse_reg(ctx, opd[0], &rd) ?:
		      parse_value(ctx, opd[1], &value);
		if (ret)
			return ret;
		if ((uint64_t)(int64_t)(int32_t)(uint32_t)value != value) {
			ret = asm_room(ctx, 2);
			if (ret)
				return ret;
		}
		return asm_emitted(ctx, svmgpu_prog_li(p, rd, value));
	case F_LIH:
		ret = parse_reg(ctx, opd[0], &rd) ?:
		      parse_imm(ctx, opd[1], &imm);
		if (ret)
			return ret;
		return asm_emitted(ctx, svmgpu_prog_emit(p,
				   DRM_SVMGPU_INSN(o->op, rd, 0, 0, 0, imm)));
	case F_LOAD:
		ret = parse_reg(ctx, opd[0], &rd) ?:
		      parse_mem(ctx, opd[1], &ra, &imm);
		if (ret)
			return ret;
		return asm_emitted(ctx, svmgpu_prog_load(p, o->op, rd, ra, imm));
	case F_STORE:
		ret = parse_mem(ctx, opd[0], &ra, &imm) ?:
		      parse_reg(ctx, opd[1], &rb);
		if (ret)
			return ret;
		return asm_emitted(ctx, svmgpu_prog_store(p, o->op, ra, imm,
							  rb));
	case F_ATOMIC:
	case F_CMPXCHG:
		ret = parse_reg(ctx, opd[0], &rd) ?:
		      parse_mem(ctx, opd[1], &ra, &imm) ?:
		      parse_reg(ctx, opd[2], &rb);
		if (!ret && o->form == F_CMPXCHG)
			ret = parse_reg(ctx, opd[3], &rc);
		if (ret)
			return ret;
		return asm_emitted(ctx, svmgpu_prog_atomic(p, o->op, rd, ra, imm,
							   rb, rc));
	case F_BR:
		return emit_branch(ctx, o->op, 0, 0, opd[0]);
	case F_BZ:
		ret = parse_reg(ctx, opd[0], &ra);
		return ret ?: emit_branch(ctx, o->op, ra, 0, opd[1]);
	case F_BCMP:
		ret = parse_reg(ctx, opd[0], &ra) ?:
		      parse_reg(ctx, opd[1], &rb);
		return ret ?: emit_branch(ctx, o->op, ra, rb, opd[2]);
	case F_NONE:
		return asm_emitted(ctx, svmgpu_prog_emit(p,
				   DRM_SVMGPU_INSN(o->op, 0, 0, 0, 0, 0)));
	case F_MOV:
		ret = parse_reg(ctx, opd[0], &rd) ?:
		      parse_reg(ctx, opd[1], &ra);
		return ret ?: asm_emitted(ctx, svmgpu_prog_mov(p, rd, ra));
	case F_NOP:
		return asm_emitted(ctx, svmgpu_prog_mov(p, 0, 0));
	}
	return asm_error(ctx, -EINVAL, "internal error: form %u", o->form);
}

/* ".equ NAME, value" and ".insn value". */
static int directive(struct asm_ctx *ctx, const char *name, char **opd,
		     unsigned int n)
{
	struct asm_sym *sym;
	struct asm_num num;
	uint64_t value;
	int ret = 0;

	if (!strcmp(name, ".equ")) {
		if (n != 2)
			return asm_error(ctx, -EINVAL,
					 "'.equ' takes 2 operands: .equ NAME, value");
		if (!is_name(opd[0]))
			return asm_error(ctx, -EINVAL,
					 "'%s' is not a name", opd[0]);
		sym = sym_find(ctx, opd[0]);
		if (sym)
			return asm_error(ctx, -EINVAL,
					 "'%s' is already defined on line %u",
					 opd[0], sym->line);
		ret = parse_num(ctx, opd[1], &num);
		if (!ret && num.neg && num.mag > 0x8000000000000000ull)
			ret = asm_error(ctx, -EINVAL,
					"%s does not fit in 64 bits", opd[1]);
		if (ret)
			return ret;
		sym = sym_add(ctx, opd[0], &ret);
		if (!sym)
			return ret;
		sym->is_equ = true;
		sym->value = num;
		return 0;
	}
	if (!strcmp(name, ".insn")) {
		if (n != 1)
			return asm_error(ctx, -EINVAL,
					 "'.insn' takes 1 operand: .insn value");
		ret = parse_value(ctx, opd[0], &value) ?: asm_room(ctx, 1);
		if (ret)
			return ret;
		return asm_emitted(ctx, svmgpu_prog_emit(ctx->prog, value));
	}
	return asm_error(ctx, -EINVAL, "unknown directive '%s'", name);
}

/* One line, without its newline; @s is modified. */
static int asm_line(struct asm_ctx *ctx, char *s)
{
	char *opd[ASM_MAX_OPERANDS + 1], name[16], *c;
	const struct asm_op *o;
	unsigned int n = 0;
	size_t len, i;
	int ret;

	c = strpbrk(s, "#;");
	if (c)
		*c = '\0';
	trim_end(s);
	s = skip_space(s);

	/* Labels: "name:", any number of them. */
	for (;;) {
		len = ident_len(s);
		c = skip_space(s + len);
		if (!len || *c != ':')
			break;
		s[len] = '\0';
		ret = define_label(ctx, s);
		if (ret)
			return ret;
		s = skip_space(c + 1);
	}
	if (!*s)
		return 0;

	/* The mnemonic, in lower case; directives start with a dot. */
	len = 0;
	while (s[len] && s[len] != ' ' && s[len] != '\t')
		len++;
	if (len >= sizeof(name)) {
		s[len] = '\0';
		return asm_error(ctx, -EINVAL, "unknown instruction '%s'", s);
	}
	for (i = 0; i < len; i++)
		name[i] = tolower((unsigned char)s[i]);
	name[len] = '\0';
	s = skip_space(s + len);

	/* The operands, comma separated. */
	while (*s) {
		if (n == ASM_MAX_OPERANDS + 1)
			return asm_error(ctx, -EINVAL, "too many operands");
		c = strchr(s, ',');
		if (c)
			*c = '\0';
		trim_end(s);
		if (!*s)
			return asm_error(ctx, -EINVAL, "empty operand");
		opd[n++] = s;
		if (!c)
			break;
		s = skip_space(c + 1);
		if (!*s)
			return asm_error(ctx, -EINVAL, "empty operand");
	}

	if (name[0] == '.')
		return directive(ctx, name, opd, n);

	o = find_op(name);
	if (!o)
		return asm_error(ctx, -EINVAL, "unknown instruction '%s'", name);
	if (n != asm_forms[o->form].operands) {
		if (!asm_forms[o->form].operands)
			return asm_error(ctx, -EINVAL,
					 "'%s' takes no operand", name);
		return asm_error(ctx, -EINVAL, "'%s' takes %u operand%s: %s %s",
				 name, asm_forms[o->form].operands,
				 asm_forms[o->form].operands > 1 ? "s" : "",
				 name, asm_forms[o->form].usage);
	}
	return emit_insn(ctx, o, opd);
}

/* Every label used must be defined: report the first one that is not. */
static int check_labels(struct asm_ctx *ctx)
{
	struct asm_sym *first = NULL;
	size_t i;

	for (i = 0; i < ctx->num_syms; i++) {
		struct asm_sym *sym = &ctx->syms[i];

		if (!sym->is_equ && !sym->bound &&
		    (!first || sym->line < first->line))
			first = sym;
	}
	if (!first)
		return 0;
	ctx->line = first->line;
	return asm_error(ctx, -EINVAL, "undefined label '%s'", first->name);
}

/* Append the assembled program to @p, whose length was checked. */
static int asm_append(struct asm_ctx *ctx, struct svmgpu_prog *p)
{
	const uint64_t *insns = svmgpu_prog_insns(ctx->prog);
	uint32_t i, n = svmgpu_prog_count(ctx->prog);
	int ret;

	for (i = 0; i < n; i++) {
		ret = svmgpu_prog_emit(p, le64toh(insns[i]));
		if (ret)
			return asm_error(ctx, ret, "cannot append: %s",
					 strerror(-ret));
	}
	return 0;
}

SVMGPU_PUBLIC int svmgpu_asm(struct svmgpu_prog *p, const char *source,
			     char *err, size_t errlen)
{
	struct asm_ctx ctx = { .err = err, .errlen = errlen };
	char *text = NULL, *line, *next;
	size_t i;
	int ret;

	if (!p || !source)
		return -EINVAL;
	if (err && errlen)
		err[0] = '\0';

	ctx.base = svmgpu_prog_count(p);
	ret = svmgpu_prog_new(&ctx.prog);
	if (!ret) {
		text = strdup(source);
		if (!text)
			ret = -ENOMEM;
	}
	if (ret) {
		asm_error(&ctx, ret, "out of memory");
		goto out;
	}

	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ctx.line++;
		ret = asm_line(&ctx, line);
		if (ret)
			goto out;
	}

	ret = check_labels(&ctx);
	if (!ret)
		ret = asm_append(&ctx, p);

out:
	for (i = 0; i < ctx.num_syms; i++)
		free(ctx.syms[i].name);
	free(ctx.syms);
	free(text);
	svmgpu_prog_del(ctx.prog);
	return ret;
}

/* ---- Disassembler ------------------------------------------------------- */

static const struct asm_op *find_opcode(uint8_t op)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(asm_ops); i++)
		if (asm_ops[i].op == op && asm_ops[i].form != F_MOV &&
		    asm_ops[i].form != F_NOP)
			return &asm_ops[i];
	return NULL;
}

/* "[rA]", "[rA + off]" or "[rA - off]" into @buf, of at least 24 bytes. */
static void format_mem(char *buf, size_t len, unsigned int ra, int32_t off)
{
	if (!off)
		snprintf(buf, len, "[r%u]", ra);
	else if (off > 0)
		snprintf(buf, len, "[r%u + %d]", ra, off);
	else
		snprintf(buf, len, "[r%u - %u]", ra, 0u - (uint32_t)off);
}

SVMGPU_PUBLIC int svmgpu_disasm(uint64_t insn, char *buf, size_t len)
{
	const struct asm_op *o = find_opcode(insn & 0xff);
	unsigned int rd = (insn >> 8) & 0x1f, ra = (insn >> 13) & 0x1f;
	unsigned int rb = (insn >> 18) & 0x1f, rc = (insn >> 23) & 0x1f;
	bool mbz = (insn >> 28) & 7, use_imm = insn & DRM_SVMGPU_INSN_IMM;
	int32_t imm = (int32_t)(uint32_t)(insn >> 32);
	/* "." and a sign, as branch targets print. */
	char sign = imm < 0 ? '-' : '+';
	uint32_t mag = imm < 0 ? 0u - (uint32_t)imm : (uint32_t)imm;
	char mem[32];

	if (!o || mbz || rd > 15 || ra > 15 || rb > 15 || rc > 15 ||
	    (use_imm && o->form != F_ALU && o->form != F_MAD))
		goto invalid;

	format_mem(mem, sizeof(mem), ra, imm);
	switch (o->form) {
	case F_ALU:
		if (rc || (use_imm ? rb != 0 : imm != 0))
			break;
		if (use_imm)
			return snprintf(buf, len, "%s r%u, r%u, %d", o->name,
					rd, ra, imm);
		return snprintf(buf, len, "%s r%u, r%u, r%u", o->name, rd, ra,
				rb);
	case F_MAD:
		if (use_imm ? rb != 0 : imm != 0)
			break;
		if (use_imm)
			return snprintf(buf, len, "mad r%u, r%u, %d, r%u", rd,
					ra, imm, rc);
		return snprintf(buf, len, "mad r%u, r%u, r%u, r%u", rd, ra,
				rb, rc);
	case F_LI:
	case F_LIH:
		if (ra || rb || rc)
			break;
		return snprintf(buf, len, "%s r%u, %d", o->name, rd, imm);
	case F_LOAD:
		if (rb || rc)
			break;
		return snprintf(buf, len, "%s r%u, %s", o->name, rd, mem);
	case F_STORE:
		if (rd || rc)
			break;
		return snprintf(buf, len, "%s %s, r%u", o->name, mem, rb);
	case F_ATOMIC:
		if (rc)
			break;
		return snprintf(buf, len, "%s r%u, %s, r%u", o->name, rd, mem,
				rb);
	case F_CMPXCHG:
		return snprintf(buf, len, "%s r%u, %s, r%u, r%u", o->name, rd,
				mem, rb, rc);
	case F_BR:
		if (rd || ra || rb || rc)
			break;
		return snprintf(buf, len, "br .%c%u", sign, mag);
	case F_BZ:
		if (rd || rb || rc)
			break;
		return snprintf(buf, len, "%s r%u, .%c%u", o->name, ra, sign,
				mag);
	case F_BCMP:
		if (rd || rc)
			break;
		return snprintf(buf, len, "%s r%u, r%u, .%c%u", o->name, ra, rb,
				sign, mag);
	case F_NONE:
		if (rd || ra || rb || rc || imm)
			break;
		return snprintf(buf, len, "%s", o->name);
	}

invalid:
	snprintf(buf, len, ".insn 0x%016llx", (unsigned long long)insn);
	return -EINVAL;
}
