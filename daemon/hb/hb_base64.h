/*
 * hb_base64: the base64 Heartbeat uses for binary fields in classic text
 * messages ("(1)srcuuid=l+R9cID4STOlGkkmRbISQA=="): standard alphabet,
 * '=' padding. The decoder takes only that canonical form.
 */
#ifndef DUET_HB_BASE64_H
#define DUET_HB_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes (without a NUL). */
size_t hb_b64_enclen(size_t n);
/* Writes hb_b64_enclen(n) characters to out (no NUL). */
void hb_b64_encode(const uint8_t *in, size_t n, char *out);
/*
 * Decodes len characters into out (room for len / 4 * 3 bytes); returns
 * the byte count, or -1 if the text is not canonical base64.
 */
long hb_b64_decode(const char *in, size_t len, uint8_t *out);

#endif
