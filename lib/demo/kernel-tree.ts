// The files of the small kernel-like tree the demo repositories and the agent tests use: C sources, Kconfig files, docs.

/** The demo patches, one per demo triage run, keyed by subsystem; each changes the first function of `file`. */
export interface DemoPatch {
  subsystem: string;
  file: string;
  subject: string;
}

/** Which functions each C file defines; the first is the one a patch changes. */
export const C_FILES: Record<string, string[]> = {
  "fs/ext4/file.c": ["ext4_dio_needs_zeroing", "ext4_dio_write_checks", "ext4_iomap_alloc"],
  "fs/ext4/inode.c": ["ext4_iomap_begin", "ext4_map_blocks"],
  "fs/dax.c": ["dax_iomap_rw", "dax_iomap_iter"],
  "net/ipv4/tcp.c": ["tcp_recvmsg_locked", "tcp_recvmsg"],
  "drivers/md/md-bitmap.c": ["md_bitmap_create", "md_bitmap_resize"],
  "io_uring/sqpoll.c": ["io_sq_thread", "io_sqpoll_wait_sq", "__io_sq_thread", "io_sq_thread_park"],
  "io_uring/io_uring.c": ["io_uring_enter", "io_submit_sqes"],
};

const KCONFIG: Record<string, string> = {
  Kconfig:
    'mainmenu "Demo kernel configuration"\n\nsource "init/Kconfig"\nsource "fs/Kconfig"\nsource "net/Kconfig"\nsource "drivers/md/Kconfig"\n',
  "init/Kconfig": 'config IO_URING\n\tbool "Enable IO uring support"\n\tdefault y\n',
  "fs/Kconfig": 'config FS_DAX\n\tbool "File system based Direct Access (DAX) support"\n\nsource "fs/ext4/Kconfig"\n',
  "fs/ext4/Kconfig":
    'config EXT4_FS\n\ttristate "The Extended 4 (ext4) filesystem"\n\thelp\n\t  This is the next generation of the ext3 filesystem.\n',
  "net/Kconfig": 'menuconfig NET\n\tbool "Networking support"\n\nconfig INET\n\tbool "TCP/IP networking"\n\nsource "net/ipv6/Kconfig"\n',
  "net/ipv6/Kconfig": 'config IPV6\n\ttristate "The IPv6 protocol"\n\tdepends on INET\n',
  "drivers/md/Kconfig": 'menuconfig MD\n\tbool "Multiple devices driver support (RAID and LVM)"\n',
};

const DOC = [
  "===============",
  "ext4 Filesystem",
  "===============",
  "",
  "Ext4 is an advanced level of the ext3 filesystem. This is the main",
  "document for its mount options.",
  "",
  "Mount options",
  "=============",
  "",
  "  dax               Use direct access (no page cache), if the device supports it.",
  "  journal_checksum  Enable checksumming of the journal transactions; this will",
  "                    allow the recovery code in e2fsck and the kernel to detect",
  "                    corruption in the kernel. It is a compatible change and will",
  "                    be ignored by older kernels. Things you recieve are checked.",
  "",
];

/** Sources of at least 160 lines, so the demo runs' read-file calls (lines 100-140) read real code. */
function cSource(file: string, functions: string[]): string {
  const lines = [
    `// SPDX-License-Identifier: GPL-2.0`,
    `/*`,
    ` * ${file}: demo kernel source for patch triage.`,
    ` */`,
    "",
    "#include <linux/fs.h>",
    "#include <linux/uio.h>",
    "",
  ];
  let n = 0;
  while (lines.length < 110) {
    lines.push(`static inline int helper_${n}(int v)`, "{", `\treturn v + ${n};`, "}", "");
    n++;
  }
  while (lines.length < 116) lines.push("");
  for (const fn of functions) {
    lines.push(
      `static int ${fn}(struct inode *inode, loff_t pos)`,
      "{",
      "\tint err;",
      "",
      "\tif (pos > i_size_read(inode))",
      "\t\treturn 0;",
      "\terr = do_work(inode, pos);",
      "\treturn err;",
      "}",
      "",
    );
  }
  // Callers, so a grep for a function finds its definition and a use, as in a real tree.
  lines.push(`int ${file.replace(/\W/g, "_")}_entry(struct inode *inode, struct kiocb *iocb)`, "{", "\tint err = 0;", "");
  for (const fn of functions) lines.push(`\terr = err ?: ${fn}(inode, iocb->ki_pos);`);
  lines.push("\treturn err;", "}", "");
  while (lines.length < 160) lines.push("");
  return lines.join("\n");
}

/** Every file of the tree before any patch. */
export function baseTree(): Record<string, string> {
  const files: Record<string, string> = {
    ...KCONFIG,
    "Documentation/filesystems/ext4.rst": DOC.join("\n"),
    Makefile: "obj-y += fs/ net/ drivers/ io_uring/\n",
  };
  for (const [file, fns] of Object.entries(C_FILES)) files[file] = cSource(file, fns);
  return files;
}

/** The tree after the patch: a bounds fix in the first function of a C file, or a typo fix in the docs. */
export function patchedFile(content: string, file: string): string {
  if (file.endsWith(".rst")) return content.replace("Things you recieve", "Things you receive");
  const first = C_FILES[file]?.[0];
  if (!first) throw new Error(`the demo tree has no file ${file}`);
  const at = content.indexOf(`static int ${first}(`);
  const head = content.slice(0, at);
  const rest = content
    .slice(at)
    .replace("\tif (pos > i_size_read(inode))\n", "\tif (unlikely(pos < 0))\n\t\treturn -EINVAL;\n\tif (pos >= i_size_read(inode))\n");
  return head + rest;
}
