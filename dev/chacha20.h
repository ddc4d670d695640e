/* SPDX-License-Identifier: MIT */
/* ChaCha20 (RFC 8439), private to dev/random.c and its unit test. */
#ifndef STRIX_DEV_CHACHA20_H
#define STRIX_DEV_CHACHA20_H

#include <stdint.h>

/* One 64-byte keystream block for (key, counter, nonce). */
void chacha20_block(const uint32_t key[8], uint32_t counter,
		    const uint32_t nonce[3], uint8_t out[64]);

#endif
