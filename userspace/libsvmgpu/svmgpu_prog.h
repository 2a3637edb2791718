/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The svmgpu authors
 */
#ifndef SVMGPU_PROG_H
#define SVMGPU_PROG_H

/*
 * This header stands on its own: svmgpu.h includes it, and programs that
 * only build compute programs (the IGT tests compile svmgpu_prog.c and
 * svmgpu_asm.c into themselves) include it alone. The DRM_SVMGPU_OP_*
 * values that the functions below take come from svmgpu_drm.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: compute programs
 *
 * A &struct svmgpu_prog builds a program of the compute ISA ("DOC: compute
 * ISA" in svmgpu_drm.h), which DRM_SVMGPU_CMD_DISPATCH runs once per work
 * item (see svmgpu_cs_dispatch() and svmgpu_queue_dispatch_svm()). It is
 * the command-stream builder's counterpart: an opaque, growable array of
 * 64-bit little-endian instructions, one thread at a time.
 *
 * Errors latch. Each emit function returns 0 or a negative errno, and the
 * first error is kept: from then on every emit does nothing and returns
 * it, svmgpu_prog_insns() returns NULL, svmgpu_prog_write() refuses to
 * copy, and svmgpu_prog_error() reports it, until svmgpu_prog_reset(). A
 * failed emit leaves the program as it was: never half an instruction,
 * nor half of svmgpu_prog_li()'s pair.
 *
 * The builder refuses what the kernel's decoder would refuse and it can
 * tell in advance: a register above 15 or an operation of the wrong class
 * for the function (-EINVAL), a non-zero register that the instruction
 * does not use (-EINVAL), and more than DRM_SVMGPU_PROGRAM_MAX_INSNS
 * instructions (-E2BIG). svmgpu_prog_emit() is the exception: it appends
 * any 64-bit word as it is, so that tests can build invalid programs.
 *
 * Labels name instructions for branches. svmgpu_prog_label() makes a new
 * label, svmgpu_prog_bind() gives it the position of the next instruction
 * and svmgpu_prog_branch() branches to it, before or after it is bound:
 * branch offsets are filled in when both ends are known. A program that
 * branches to a label never bound is incomplete: svmgpu_prog_error(),
 * svmgpu_prog_insns() and svmgpu_prog_write() then fail with -EINVAL, and
 * succeed again once it is bound. The kernel checks the rest when it
 * decodes the program: that branch targets lie inside it and that its
 * last instruction is EXIT or BR.
 *
 * For instance, a program that stores each work item's id squared in the
 * array of 64-bit values that the dispatch's argument points at::
 *
 *	svmgpu_prog_new(&p);
 *	svmgpu_prog_alu(p, DRM_SVMGPU_OP_MUL, 5, 0, 0);	// r5 = r0 * r0
 *	svmgpu_prog_madi(p, 6, 0, 8, 1);		// r6 = r0 * 8 + r1
 *	svmgpu_prog_store(p, DRM_SVMGPU_OP_ST64, 6, 0, 5); // [r6 + 0] = r5
 *	svmgpu_prog_exit(p);
 *	if (svmgpu_prog_error(p))
 *		...
 *
 * or, the same, with the assembler (see "DOC: compute assembler")::
 *
 *	svmgpu_asm(p, "mul r5, r0, r0\n"
 *		      "mad r6, r0, 8, r1\n"
 *		      "st64 [r6], r5\n"
 *		      "exit\n", err, sizeof(err));
 */

/**
 * struct svmgpu_prog - A compute-program builder (opaque).
 */
struct svmgpu_prog;

/**
 * svmgpu_prog_new() - Create an empty program.
 * @out: Where to store the new program.
 *
 * Return: 0 on success; -EINVAL if @out is NULL; -ENOMEM.
 */
int svmgpu_prog_new(struct svmgpu_prog **out);

/**
 * svmgpu_prog_del() - Free a program.
 * @p: The program, or NULL.
 */
void svmgpu_prog_del(struct svmgpu_prog *p);

/**
 * svmgpu_prog_reset() - Empty a program.
 * @p: The program, or NULL.
 *
 * Drops every instruction and label, and clears the latched error. The
 * memory is kept for reuse.
 */
void svmgpu_prog_reset(struct svmgpu_prog *p);

/**
 * svmgpu_prog_error() - Whether a program is complete and valid.
 * @p: The program.
 *
 * Return: 0; the latched error of an emit since the last reset; -EINVAL if
 * @p is NULL or if it branches to a label that is not bound (not latched:
 * binding the label clears it).
 */
int svmgpu_prog_error(const struct svmgpu_prog *p);

/**
 * svmgpu_prog_insns() - The instructions of a program.
 * @p: The program.
 *
 * The words are little-endian, as the GPU reads them, with every branch
 * offset filled in. The pointer is valid until the next emit, reset or
 * del.
 *
 * Return: The first of svmgpu_prog_count() instructions; NULL if @p is
 * NULL, if svmgpu_prog_error() is not 0, or if the program is empty.
 */
const uint64_t *svmgpu_prog_insns(const struct svmgpu_prog *p);

/**
 * svmgpu_prog_count() - The length of a program.
 * @p: The program.
 *
 * Return: The number of instructions; 0 if @p is NULL.
 */
uint32_t svmgpu_prog_count(const struct svmgpu_prog *p);

/**
 * svmgpu_prog_size() - The size of a program.
 * @p: The program.
 *
 * Return: svmgpu_prog_count() * 8, in bytes; 0 if @p is NULL.
 */
size_t svmgpu_prog_size(const struct svmgpu_prog *p);

/**
 * svmgpu_prog_write() - Copy a program to memory, such as a mapped BO.
 * @p: The program.
 * @dst: Where to copy it; 8-byte aligned memory is what DISPATCH needs.
 * @len: Bytes available at @dst.
 *
 * Copies svmgpu_prog_size() bytes; the rest of @dst is left untouched.
 *
 * Return: 0 on success; -EINVAL if @p or @dst is NULL; -ENOSPC if @len is
 * too small; otherwise svmgpu_prog_error().
 */
int svmgpu_prog_write(const struct svmgpu_prog *p, void *dst, size_t len);

/**
 * svmgpu_prog_emit() - Append a raw instruction.
 * @p: The program.
 * @insn: The instruction, for instance from DRM_SVMGPU_INSN(); any value.
 *
 * Nothing about @insn is checked: this is how tests build programs that the
 * kernel must refuse.
 *
 * Return: 0 on success; -EINVAL if @p is NULL; -E2BIG if the program
 * already has DRM_SVMGPU_PROGRAM_MAX_INSNS instructions; -ENOMEM;
 * otherwise a latched error.
 */
int svmgpu_prog_emit(struct svmgpu_prog *p, uint64_t insn);

/**
 * svmgpu_prog_alu() - Append an ALU operation on registers: rd = ra op rb.
 * @p: The program.
 * @op: DRM_SVMGPU_OP_ADD to DRM_SVMGPU_OP_SGEU.
 * @rd: The destination register, 0 to 15.
 * @ra: The first operand's register.
 * @rb: The second operand's register.
 *
 * Return: 0 on success; -EINVAL if @p is NULL, @op is not one of those or
 * a register is above 15; otherwise as svmgpu_prog_emit().
 */
int svmgpu_prog_alu(struct svmgpu_prog *p, uint8_t op, unsigned int rd,
		    unsigned int ra, unsigned int rb);

/**
 * svmgpu_prog_alui() - Append an ALU operation with an immediate.
 * @p: The program.
 * @op: DRM_SVMGPU_OP_ADD to DRM_SVMGPU_OP_SGEU.
 * @rd: The destination register, 0 to 15.
 * @ra: The first operand's register.
 * @imm: The second operand, sign-extended to 64 bits.
 *
 * Emits @op with DRM_SVMGPU_INSN_IMM: rd = ra op imm.
 *
 * Return: as svmgpu_prog_alu().
 */
int svmgpu_prog_alui(struct svmgpu_prog *p, uint8_t op, unsigned int rd,
		     unsigned int ra, int32_t imm);

/**
 * svmgpu_prog_mad() - Append a multiply-add: rd = ra * rb + rc.
 * @p: The program.
 * @rd: The destination register, 0 to 15.
 * @ra: The multiplicand's register.
 * @rb: The multiplier's register.
 * @rc: The addend's register.
 *
 * Return: 0 on success; -EINVAL if @p is NULL or a register is above 15;
 * otherwise as svmgpu_prog_emit().
 */
int svmgpu_prog_mad(struct svmgpu_prog *p, unsigned int rd, unsigned int ra,
		    unsigned int rb, unsigned int rc);

/**
 * svmgpu_prog_madi() - Append a multiply-add: rd = ra * imm + rc.
 * @p: The program.
 * @rd: The destination register, 0 to 15.
 * @ra: The multiplicand's register.
 * @imm: The multiplier, sign-extended: an element size, typically.
 * @rc: The addend's register: a base address, typically.
 *
 * Return: as svmgpu_prog_mad().
 */
int svmgpu_prog_madi(struct svmgpu_prog *p, unsigned int rd, unsigned int ra,
		     int32_t imm, unsigned int rc);

/**
 * svmgpu_prog_li() - Append a load of any 64-bit constant: rd = value.
 * @p: The program.
 * @rd: The destination register, 0 to 15.
 * @value: The constant.
 *
 * Emits LI alone if @value is a sign-extended 32-bit value, otherwise LI of
 * its low half followed by LIH of its high half: both or neither.
 *
 * Return: as svmgpu_prog_mad().
 */
int svmgpu_prog_li(struct svmgpu_prog *p, unsigned int rd, uint64_t value);

/**
 * svmgpu_prog_mov() - Append a register copy: rd = ra.
 * @p: The program.
 * @rd: The destination register, 0 to 15.
 * @ra: The source register.
 *
 * Emits ADD rd, ra, 0 (with an immediate).
 *
 * Return: as svmgpu_prog_mad().
 */
int svmgpu_prog_mov(struct svmgpu_prog *p, unsigned int rd, unsigned int ra);

/**
 * svmgpu_prog_load() - Append a load: rd = the value at ra + off.
 * @p: The program.
 * @op: DRM_SVMGPU_OP_LD8, _LD16, _LD32, _LD64 (zero-extending) or
 *      DRM_SVMGPU_OP_LDS8, _LDS16, _LDS32 (sign-extending).
 * @rd: The destination register, 0 to 15.
 * @ra: The base address's register.
 * @off: The offset added to it, in bytes. The address must be naturally
 *       aligned when the instruction runs.
 *
 * Return: 0 on success; -EINVAL if @p is NULL, @op is not a load or a
 * register is above 15; otherwise as svmgpu_prog_emit().
 */
int svmgpu_prog_load(struct svmgpu_prog *p, uint8_t op, unsigned int rd,
		     unsigned int ra, int32_t off);

/**
 * svmgpu_prog_store() - Append a store of rb's low bits at ra + off.
 * @p: The program.
 * @op: DRM_SVMGPU_OP_ST8, _ST16, _ST32 or _ST64.
 * @ra: The base address's register, 0 to 15.
 * @off: The offset added to it, in bytes, as for svmgpu_prog_load().
 * @rb: The value's register.
 *
 * Return: 0 on success; -EINVAL if @p is NULL, @op is not a store or a
 * register is above 15; otherwise as svmgpu_prog_emit().
 */
int svmgpu_prog_store(struct svmgpu_prog *p, uint8_t op, unsigned int ra,
		      int32_t off, unsigned int rb);

/**
 * svmgpu_prog_atomic() - Append an atomic read-modify-write at ra + off.
 * @p: The program.
 * @op: DRM_SVMGPU_OP_AADD32 to DRM_SVMGPU_OP_AMAXU32, or
 *      DRM_SVMGPU_OP_AADD64 to DRM_SVMGPU_OP_AMAXU64.
 * @rd: The register that receives the old value, 0 to 15.
 * @ra: The base address's register.
 * @off: The offset added to it, in bytes, as for svmgpu_prog_load().
 * @rb: The operand's register: the addend, the new value, the value to
 *      take the minimum or maximum with.
 * @rc: ACMPXCHG: the register of the value to compare with. Other
 *      operations: 0.
 *
 * Return: 0 on success; -EINVAL if @p is NULL, @op is not an atomic, a
 * register is above 15 or @rc is not 0 but for ACMPXCHG; otherwise as
 * svmgpu_prog_emit().
 */
int svmgpu_prog_atomic(struct svmgpu_prog *p, uint8_t op, unsigned int rd,
		       unsigned int ra, int32_t off, unsigned int rb,
		       unsigned int rc);

/**
 * svmgpu_prog_label() - Create a label, not bound yet.
 * @p: The program.
 * @label: Where to store the label's number, a small integer that only
 *         means something to @p, until its next reset.
 *
 * Return: 0 on success; -EINVAL if @p or @label is NULL; -ENOMEM;
 * otherwise a latched error.
 */
int svmgpu_prog_label(struct svmgpu_prog *p, uint32_t *label);

/**
 * svmgpu_prog_bind() - Bind a label to the next instruction.
 * @p: The program.
 * @label: A label of @p, not bound yet.
 *
 * Branches to @label, earlier and later ones, go to the instruction that
 * is appended next. A label may be bound once.
 *
 * Return: 0 on success; -EINVAL if @p is NULL, @label is unknown or
 * already bound; otherwise a latched error.
 */
int svmgpu_prog_bind(struct svmgpu_prog *p, uint32_t label);

/**
 * svmgpu_prog_branch() - Append a branch to a label.
 * @p: The program.
 * @op: DRM_SVMGPU_OP_BR (@ra and @rb are 0), DRM_SVMGPU_OP_BZ or _BNZ
 *      (@rb is 0), or DRM_SVMGPU_OP_BEQ to DRM_SVMGPU_OP_BGEU.
 * @ra: The tested, or first compared, register, 0 to 15.
 * @rb: The second compared register.
 * @label: A label of @p, bound or not yet.
 *
 * Return: 0 on success; -EINVAL if @p is NULL, @op is not a branch, a
 * register is above 15 or not 0 where @op does not use it, or @label is
 * unknown; otherwise as svmgpu_prog_emit().
 */
int svmgpu_prog_branch(struct svmgpu_prog *p, uint8_t op, unsigned int ra,
		       unsigned int rb, uint32_t label);

/**
 * svmgpu_prog_fence() - Append FENCE, a full memory barrier.
 * @p: The program.
 *
 * Return: as svmgpu_prog_emit().
 */
int svmgpu_prog_fence(struct svmgpu_prog *p);

/**
 * svmgpu_prog_exit() - Append EXIT, which ends the work item.
 * @p: The program.
 *
 * Return: as svmgpu_prog_emit().
 */
int svmgpu_prog_exit(struct svmgpu_prog *p);

/**
 * DOC: compute assembler
 *
 * svmgpu_asm() and the svmgpu-as program read the compute ISA as text, one
 * instruction per line::
 *
 *	# c[i] = a[i] + b[i]; r1 points at { a, b, c }.
 *	.equ A, 0
 *	.equ B, 8
 *	.equ C, 16
 *		ld64  r5, [r1 + A]
 *		ld64  r6, [r1 + B]
 *		ld64  r7, [r1 + C]
 *		mad   r5, r0, 4, r5	; &a[i]
 *		mad   r6, r0, 4, r6
 *		mad   r7, r0, 4, r7
 *		ld32  r8, [r5]
 *		ld32  r9, [r6]
 *		add   r8, r8, r9
 *		st32  [r7], r8
 *		exit
 *
 * Lines. Blank lines are ignored; a comment runs from ``#`` or ``;`` to the
 * end of the line. A line may start with labels, ``name:``, each naming
 * the next instruction, on the same line or a later one. Names (labels
 * and constants) are letters, digits and ``_``, not starting with a digit,
 * case-sensitive, and may not be register names.
 *
 * Instructions. A mnemonic, the uAPI name of the operation in lower case
 * (upper case is accepted too), then its operands, separated by commas:
 *
 * - registers ``r0`` to ``r15``;
 * - numbers: decimal, hexadecimal ``0x...``, either with a ``-`` or ``+``
 *   sign, or the name of a ``.equ`` constant. An immediate must be a
 *   signed 32-bit value, -2147483648 to 2147483647, but in ``li``;
 * - memory operands ``[rA]``, ``[rA + off]`` and ``[rA - off]``: the
 *   address rA + off;
 * - branch targets: a label, defined before or after, or ``.+N`` /
 *   ``.-N``, N instructions after or before the branch itself.
 *
 * The forms, with "b" a register or an immediate:
 *
 * - ``add sub mul and or xor shl shr sar seq sne slt sge sltu sgeu``:
 *   ``add rd, ra, b``;
 * - ``mad rd, ra, b, rc``: rd = ra * b + rc;
 * - ``li rd, value``: any 64-bit value, signed or unsigned; it becomes LI,
 *   and LIH too when the value is not a sign-extended 32-bit one;
 * - ``lih rd, imm``: sets the high half of rd;
 * - ``ld8 ld16 ld32 ld64 lds8 lds16 lds32``: ``ld64 rd, [ra + off]``;
 * - ``st8 st16 st32 st64``: ``st32 [ra + off], rb``;
 * - ``aadd32 axchg32 amin32 amax32 aminu32 amaxu32`` and the same with
 *   64: ``aadd64 rd, [ra + off], rb``, rd getting the old value;
 * - ``acmpxchg32 acmpxchg64``: ``acmpxchg64 rd, [ra + off], rb, rc``,
 *   storing rb if the old value equals rc;
 * - ``br target``; ``bz ra, target``, ``bnz ra, target``;
 *   ``beq bne blt bge bltu bgeu``: ``beq ra, rb, target``;
 * - ``fence``, ``exit``.
 *
 * Pseudo-instructions and directives:
 *
 * - ``mov rd, ra``: ``add rd, ra, 0``;
 * - ``nop``: ``add r0, r0, 0``;
 * - ``.equ NAME, value``: a constant, usable wherever a number is, once
 *   defined; value is any 64-bit number or an earlier constant;
 * - ``.insn value``: one raw 64-bit instruction, unchecked.
 *
 * Errors are reported as "line N: what", N counting from 1. The first
 * error stops the assembly.
 */

/**
 * svmgpu_asm() - Assemble text and append it to a program.
 * @p: The program to append to.
 * @source: The text, NUL-terminated (see "DOC: compute assembler").
 * @err: Where to write a message on failure, "line N: what", NUL-terminated
 *       and truncated to @errlen bytes; may be NULL.
 * @errlen: Size of @err.
 *
 * The text is assembled on its own, its labels resolved, then appended to
 * @p: on failure @p is left as it was. Its labels are its own: it cannot
 * branch to labels of svmgpu_prog_label().
 *
 * Return: 0 on success; -EINVAL if @p or @source is NULL, or for any error
 * in the text; -E2BIG if @p would have more than
 * DRM_SVMGPU_PROGRAM_MAX_INSNS instructions; -ENOMEM; or @p's latched
 * error. Every error but a NULL @p or @source writes @err.
 */
int svmgpu_asm(struct svmgpu_prog *p, const char *source, char *err,
	       size_t errlen);

/**
 * svmgpu_disasm() - Write one instruction as assembler text.
 * @insn: The instruction, as a value (not little-endian bytes).
 * @buf: Where to write the text, NUL-terminated; may be NULL if @len is 0.
 * @len: Size of @buf.
 *
 * The text is in the syntax of svmgpu_asm(), which assembles it back into
 * @insn: branch targets as ``.+N`` or ``.-N``, LI and LIH as ``li`` and
 * ``lih`` with their 32-bit immediates. An encoding that the kernel would
 * refuse (unknown opcode, register above 15, non-zero unused field or MBZ
 * bit, DRM_SVMGPU_INSN_IMM on a non-ALU instruction) is written as
 * ``.insn 0x...``.
 *
 * Return: the length of the whole text, as snprintf() does (the text is
 * truncated if it is @len or more) if @insn is valid; -EINVAL, after
 * writing the ``.insn`` text, if it is not.
 */
int svmgpu_disasm(uint64_t insn, char *buf, size_t len);

#if defined(__cplusplus)
}
#endif

#endif /* SVMGPU_PROG_H */
