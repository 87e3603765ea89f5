/*
 * Fuzz target: duetd's IPC bodies as the tools read them
 * (daemon/duetd/dd_snap.c) and, for every snapshot that parses, each of
 * the tools' renderings (daemon/duetd/dd_view.c). No line of a frame may
 * be wider than asked; nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/duetd/dd_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_width(const char *frame, int width)
{
	const char *p = frame;

	while (*p) {
		const char *nl = strchr(p, '\n');
		long cols = 0;

		if (!nl)
			abort();	/* every line ends with a newline */
		for (const char *q = p; q < nl; q = g_utf8_next_char(q)) {
			if (*q == '\033') {	/* colour sequences take no column */
				while (q < nl && *q != 'm')
					q++;
				continue;
			}
			cols++;
		}
		if (cols > width)
			abort();
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int widths[] = { 20, 80, 133 };
	const char *text = (const char *)data;
	struct dd_event e;
	struct dd_result r;
	struct dd_snap *s;

	if (dd_event_parse(text, size, &e, NULL))
		dd_event_clear(&e);
	if (dd_result_parse(text, size, &r, NULL))
		dd_result_clear(&r);
	s = dd_snap_parse(text, size, NULL);
	if (!s)
		return 0;
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct dd_view_opts o = { .width = widths[i], .height = (int)i * 12,
					  .colour = i == 1, .now_ms = INT64_C(1795615387300) };
		char *f = dd_view_frame(s, &o);

		check_width(f, widths[i]);
		g_free(f);
	}
	g_free(dd_view_status(s));
	g_free(dd_view_nodes(s));
	g_free(dd_view_links(s));
	g_free(dd_view_nodes_json(s));
	g_free(dd_view_links_json(s));
	dd_snap_free(s);
	return 0;
}
