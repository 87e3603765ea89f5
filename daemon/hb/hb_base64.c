/* hb_base64: standard base64 with padding, strict decoder. */
#include "daemon/hb/hb_base64.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t hb_b64_enclen(size_t n)
{
	return (n + 2) / 3 * 4;
}

void hb_b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i = 0;

	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = b64[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = '=';
	}
}

static int val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long hb_b64_decode(const char *in, size_t len, uint8_t *out)
{
	long n = 0;

	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int a = val(in[i]), b = val(in[i + 1]);
		int c = in[i + 2] == '=' ? -2 : val(in[i + 2]);
		int d = in[i + 3] == '=' ? -2 : val(in[i + 3]);
		int last = i + 4 == len;

		if (a < 0 || b < 0 || c == -1 || d == -1)
			return -1;
		if ((c == -2 || d == -2) && !last)
			return -1;
		if (c == -2 && d != -2)
			return -1;
		out[n++] = (uint8_t)(a << 2 | b >> 4);
		if (c == -2) {
			if (b & 15)	/* non-canonical: bits that would be lost */
				return -1;
			break;
		}
		out[n++] = (uint8_t)((b & 15) << 4 | c >> 2);
		if (d == -2) {
			if (c & 3)
				return -1;
			break;
		}
		out[n++] = (uint8_t)((c & 3) << 6 | d);
	}
	return n;
}
