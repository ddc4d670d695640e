/* SPDX-License-Identifier: MIT */
/* The kernel command line: LoadOptions, else \EFI\strix\cmdline.txt. */
#include "efi/stub.h"
#include "kernel/lib/lib.h"

static BOOLEAN ends_with_efi(const char *word, UINTN len)
{
	const char *ext = ".efi";

	if (len < 4)
		return FALSE;
	for (UINTN i = 0; i < 4; i++) {
		char c = word[len - 4 + i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != ext[i])
			return FALSE;
	}
	return TRUE;
}

/*
 * LoadOptions is UCS-2 text when a boot entry or the UEFI shell passes
 * arguments; boot managers may also pass binary data, which we ignore. The
 * shell includes the image path as the first word; drop it.
 */
static BOOLEAN from_load_options(struct boot_info *bi)
{
	EFI_LOADED_IMAGE *li;
	CHAR16 *opt;
	UINTN n, len = 0, start = 0;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, stub_image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st) || li->LoadOptionsSize < 2 || !li->LoadOptions)
		return FALSE;
	opt = li->LoadOptions;
	n = li->LoadOptionsSize / 2;
	for (UINTN i = 0; i < n && opt[i]; i++) {
		if (opt[i] < 0x20 || opt[i] > 0x7e)
			return FALSE;
		if (len + 1 < BOOT_CMDLINE_MAX)
			bi->cmdline[len++] = (char)opt[i];
	}
	bi->cmdline[len] = '\0';
	while (start < len && bi->cmdline[start] != ' ')
		start++;
	if (ends_with_efi(bi->cmdline, start)) {
		while (start < len && bi->cmdline[start] == ' ')
			start++;
		memmove(bi->cmdline, bi->cmdline + start, len - start + 1);
		len -= start;
	}
	return len > 0;
}

/* cmdline.txt: lines joined with spaces, '#' comment lines skipped. */
static void from_file(struct boot_info *bi)
{
	EFI_PHYSICAL_ADDRESS phys;
	UINT64 size, len = 0;
	const char *text;
	BOOLEAN line_start = TRUE, comment = FALSE;

	if (EFI_ERROR(
		    stub_read_file("\\EFI\\strix\\cmdline.txt", &phys, &size)))
		return;
	text = (const char *)phys;
	for (UINT64 i = 0; i < size && len + 1 < BOOT_CMDLINE_MAX; i++) {
		char c = text[i];

		if (line_start && c == '#')
			comment = TRUE;
		line_start = c == '\n';
		if (c == '\n' || c == '\r' || c == '\t') {
			comment = comment && c != '\n';
			c = ' ';
		}
		if (comment ||
		    (c == ' ' && (len == 0 || bi->cmdline[len - 1] == ' ')))
			continue;
		bi->cmdline[len++] = c;
	}
	while (len > 0 && bi->cmdline[len - 1] == ' ')
		len--;
	bi->cmdline[len] = '\0';
	uefi_call_wrapper(BS->FreePages, 2, phys,
			  (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE);
}

void stub_read_cmdline(struct boot_info *bi)
{
	if (!from_load_options(bi))
		from_file(bi);
}

BOOLEAN stub_cmdline_get(const struct boot_info *bi, const char *key, char *val,
			 UINTN size)
{
	UINTN klen = strlen(key);
	const char *p = bi->cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			UINTN n = 0;
			p += klen + 1;
			while (p[n] && p[n] != ' ' && n + 1 < size) {
				val[n] = p[n];
				n++;
			}
			val[n] = '\0';
			return TRUE;
		}
		while (*p && *p != ' ')
			p++;
	}
	return FALSE;
}
