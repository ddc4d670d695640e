/* SPDX-License-Identifier: MIT */
/* The Graphics Output Protocol: pick a mode and describe its framebuffer. */
#include "efi/stub.h"
#include "kernel/lib/lib.h"

static BOOLEAN parse_video(const struct boot_info *bi, UINT32 *w, UINT32 *h)
{
	char val[32];
	uint64_t x, y;
	char *sep;

	if (!stub_cmdline_get(bi, "video", val, sizeof(val)))
		return FALSE;
	sep = strchr(val, 'x');
	if (!sep)
		return FALSE;
	*sep = '\0';
	if (kstrtou64(val, &x) || kstrtou64(sep + 1, &y))
		return FALSE;
	*w = (UINT32)x;
	*h = (UINT32)y;
	return TRUE;
}

/* Width and shift of a contiguous bit mask. */
static void mask_to_field(UINT32 mask, uint8_t *shift, uint8_t *size)
{
	*shift = mask ? (uint8_t)__builtin_ctz(mask) : 0;
	*size = (uint8_t)__builtin_popcount(mask);
}

static BOOLEAN describe_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop,
			     struct boot_framebuffer *fb)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
	EFI_PIXEL_BITMASK *m = &info->PixelInformation;

	/* UEFI 2.10 §12.9.1: only these three formats have a framebuffer. */
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		mask_to_field(0x000000ff, &fb->red_shift, &fb->red_size);
		mask_to_field(0x0000ff00, &fb->green_shift, &fb->green_size);
		mask_to_field(0x00ff0000, &fb->blue_shift, &fb->blue_size);
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		mask_to_field(0x00ff0000, &fb->red_shift, &fb->red_size);
		mask_to_field(0x0000ff00, &fb->green_shift, &fb->green_size);
		mask_to_field(0x000000ff, &fb->blue_shift, &fb->blue_size);
		break;
	case PixelBitMask:
		if ((m->RedMask | m->GreenMask | m->BlueMask |
		     m->ReservedMask) != 0xffffffff)
			return FALSE; /* not 32 bits per pixel */
		mask_to_field(m->RedMask, &fb->red_shift, &fb->red_size);
		mask_to_field(m->GreenMask, &fb->green_shift, &fb->green_size);
		mask_to_field(m->BlueMask, &fb->blue_shift, &fb->blue_size);
		break;
	default:
		return FALSE;
	}
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pitch = info->PixelsPerScanLine * 4;
	fb->bpp = 32;
	return fb->base != 0;
}

static void set_requested_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop, UINT32 w,
			       UINT32 h)
{
	for (UINT32 i = 0; i < gop->Mode->MaxMode; i++) {
		EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
		UINTN size;

		if (EFI_ERROR(uefi_call_wrapper(gop->QueryMode, 4, gop, i,
						&size, &info)))
			continue;
		if (info->HorizontalResolution == w &&
		    info->VerticalResolution == h &&
		    info->PixelFormat != PixelBltOnly) {
			FreePool(info);
			if (!EFI_ERROR(
				    uefi_call_wrapper(gop->SetMode, 2, gop, i)))
				return;
			break;
		}
		FreePool(info);
	}
	Print(L"strix: warning: video=%dx%d is not available; keeping the "
	      L"firmware's mode\n",
	      w, h);
}

void stub_setup_gop(struct boot_info *bi)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	UINT32 w, h;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->LocateProtocol, 3, &GraphicsOutputProtocol,
			       NULL, (void **)&gop);
	if (EFI_ERROR(st)) {
		Print(L"strix: no graphics output (GOP): %r; the console "
		      L"will be serial only\n",
		      st);
		return;
	}
	if (parse_video(bi, &w, &h))
		set_requested_mode(gop, w, h);
	if (!describe_mode(gop, &bi->fb)) {
		SetMem(&bi->fb, sizeof(bi->fb), 0);
		Print(L"strix: the GOP mode has no linear framebuffer; the "
		      L"console will be serial only\n");
	}
}
