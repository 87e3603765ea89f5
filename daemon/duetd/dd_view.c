/*
 * dd_view: text renderings of duetd's snapshot for ha_status and duetctl.
 * See dd_view.h for what the ages on screen mean.
 */
#include "daemon/duetd/dd_view.h"

#include <string.h>

#include <json-glib/json-glib.h>

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"

/* the "heard" column: "last heard 14:02:01 (1m05s before)" and a margin */
#define HEARD_W 36

/* a frame under construction: lines are cut to the width when added */
struct frame {
	GString *out;
	const struct dd_view_opts *o;
	int lines;
};

char *dd_view_duration(int64_t ms)
{
	if (ms < 0)
		ms = 0;
	if (ms < 1000)
		return g_strdup_printf("%" G_GINT64_FORMAT "ms", ms);
	if (ms < 60 * 1000)
		return g_strdup_printf("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT "s",
				       ms / 1000, ms % 1000 / 100);
	ms /= 1000;
	if (ms < 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT "m%02" G_GINT64_FORMAT "s",
				       ms / 60, ms % 60);
	if (ms < 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT "h%02" G_GINT64_FORMAT "m",
				       ms / 3600, ms % 3600 / 60);
	return g_strdup_printf("%" G_GINT64_FORMAT "d%02" G_GINT64_FORMAT "h",
			       ms / 86400, ms % 86400 / 3600);
}

/* local clock time of a Unix ms timestamp, "HH:MM:SS" */
static char *clock_of(int64_t unix_ms)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(unix_ms / 1000);

	return t ? g_date_time_format(t, "%H:%M:%S") : g_strdup("??:??:??");
}

/* duetd's ISO 8601 event time as local "HH:MM:SS"; unparseable: as is */
static char *clock_of_iso(const char *iso)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(iso, NULL);
	g_autoptr(GDateTime) l = t ? g_date_time_to_local(t) : NULL;

	return l ? g_date_time_format(l, "%H:%M:%S") : g_strdup(iso);
}

static const char *colour_of(const char *state)
{
	static const char *const good[] = { "active", "up", "running", "stable", "ping", NULL };
	static const char *const bad[] = { "dead", "failed", NULL };

	if (!state)
		return C_YELLOW;
	for (int i = 0; good[i]; i++)
		if (strcmp(state, good[i]) == 0)
			return C_GREEN;
	for (int i = 0; bad[i]; i++)
		if (strcmp(state, bad[i]) == 0)
			return C_RED;
	return C_YELLOW;
}

/* text padded to w columns, coloured when asked (padding is not coloured) */
static void put_state(GString *l, const struct dd_view_opts *o, const char *state, int w)
{
	int n = (int)g_utf8_strlen(state, -1);

	if (o->colour)
		g_string_append_printf(l, "%s%s%s", colour_of(state), state, C_RESET);
	else
		g_string_append(l, state);
	for (; n < w; n++)
		g_string_append_c(l, ' ');
}

/* text padded to w columns; a longer text still gets one blank after it */
static void put_padded(GString *l, const char *text, int w)
{
	int n = (int)g_utf8_strlen(text, -1);

	g_string_append(l, text);
	if (n >= w && w > 0)
		g_string_append_c(l, ' ');
	for (; n < w; n++)
		g_string_append_c(l, ' ');
}

/*
 * Appends one line cut to the frame's width: escape sequences count no
 * columns, a cut line ends with '~' (and a colour reset).
 */
static void add_line(struct frame *f, const char *line)
{
	int width = f->o->width > 10 ? f->o->width : 10;
	int visible = 0;
	const char *p = line;
	const char *end;
	bool cut = false;

	/* trailing blanks never reach the screen */
	end = line + strlen(line);
	while (end > line && end[-1] == ' ')
		end--;
	while (p < end) {
		if (*p == '\033') {
			const char *q = p + 1;

			if (*q == '[')
				for (q++; q < end && !(*q >= '@' && *q <= '~'); q++)
					;
			q = q < end ? q + 1 : end;
			g_string_append_len(f->out, p, q - p);
			p = q;
			continue;
		}
		if (visible == width - 1) {
			/* is more than one visible column left? */
			const char *q = g_utf8_next_char(p);

			while (q < end && *q == '\033') {
				q++;
				if (*q == '[')
					for (q++; q < end && !(*q >= '@' && *q <= '~'); q++)
						;
				q = q < end ? q + 1 : end;
			}
			if (q < end) {
				cut = true;
				break;
			}
		}
		const char *n = g_utf8_next_char(p);

		g_string_append_len(f->out, p, n - p);
		p = n;
		visible++;
	}
	if (cut) {
		g_string_append_c(f->out, '~');
		if (f->o->colour)
			g_string_append(f->out, C_RESET);
	}
	g_string_append_c(f->out, '\n');
	f->lines++;
}

static void add_title(struct frame *f, const char *title)
{
	g_autofree char *l = f->o->colour ? g_strdup_printf(C_BOLD "%s" C_RESET, title)
					  : g_strdup(title);

	add_line(f, l);
}

static int name_width(const struct dd_snap *s)
{
	int w = 8;

	for (size_t i = 0; i < s->n_nodes; i++)
		w = MAX(w, (int)g_utf8_strlen(s->nodes[i].name, -1));
	return MIN(w, 24) + 2;
}

/*
 * When a node or link was last heard: "120ms ago" while it is alive, the
 * clock time of the last packet when it is dead (see dd_view.h).
 */
static char *heard_text(const struct dd_view_opts *o, const char *status, bool heard, int64_t ms)
{
	g_autofree char *age = NULL;
	g_autofree char *at = NULL;

	if (!heard)
		return g_strdup("never heard");
	age = dd_view_duration(ms);
	if (strcmp(status, "dead") != 0)
		return g_strdup_printf("heard %s ago", age);
	at = clock_of(o->now_ms - ms);
	return g_strdup_printf("last heard %s (%s before)", at, age);
}

static void view_header(struct frame *f, const struct dd_snap *s)
{
	const struct dd_view_opts *o = f->o;
	g_autoptr(GString) l = g_string_new(NULL);
	g_autofree char *now = clock_of(o->now_ms);
	g_autofree char *right = g_strdup_printf("as of %s", now);
	g_autofree char *up = s->uptime_ms >= 0 ? dd_view_duration(s->uptime_ms) : NULL;
	int used;

	g_string_append_printf(l, "duetd on %s: ", s->node);
	used = (int)g_utf8_strlen(l->str, -1) + (int)g_utf8_strlen(s->status, -1);
	put_state(l, o, s->status, 0);
	/* the time at the right edge, at least one blank away */
	do
		g_string_append_c(l, ' ');
	while (++used < o->width - (int)strlen(right));
	g_string_append(l, right);
	add_line(f, l->str);

	g_string_truncate(l, 0);
	if (s->pid)
		g_string_append_printf(l, "pid %" G_GINT64_FORMAT ", ", s->pid);
	if (up)
		g_string_append_printf(l, "up %s, ", up);
	g_string_append(l, "resources ");
	put_state(l, o, s->rsc_state ? s->rsc_state : "unknown", 0);
	g_string_append_printf(l, ", standby %s", s->standby ? "on" : "off");
	if (s->config.auto_failback)
		g_string_append_printf(l, ", auto_failback %s", s->config.auto_failback);
	add_line(f, l->str);

	if (s->config.keepalive_ms >= 0 || s->config.deadtime_ms >= 0) {
		static const char *const names[] = { "keepalive", "warntime", "deadtime", "initdead" };
		const int64_t vals[] = { s->config.keepalive_ms, s->config.warntime_ms,
					 s->config.deadtime_ms, s->config.initdead_ms };
		const char *sep = "";

		g_string_truncate(l, 0);
		for (int i = 0; i < 4; i++) {
			g_autofree char *d = NULL;

			if (vals[i] < 0)
				continue;
			d = dd_view_duration(vals[i]);
			g_string_append_printf(l, "%s%s %s", sep, names[i], d);
			sep = ", ";
		}
		if (s->config.udpport >= 0)
			g_string_append_printf(l, "%sudpport %" G_GINT64_FORMAT, sep, s->config.udpport);
		add_line(f, l->str);
	}
}

static void view_nodes(struct frame *f, const struct dd_snap *s)
{
	int nw = name_width(s);

	add_line(f, "");
	add_title(f, "Nodes");
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct dd_node *n = &s->nodes[i];
		g_autoptr(GString) l = g_string_new("  ");

		put_padded(l, n->name, nw);
		put_state(l, f->o, n->status, 8);
		if (n->local) {
			g_string_append(l, "this node");
		} else {
			g_autofree char *h = heard_text(f->o, n->status, n->heard, n->last_heard_ms);

			if (strcmp(n->type, "normal") != 0)
				g_string_append_printf(l, "%s node, ", n->type);
			g_string_append(l, h);
		}
		add_line(f, l->str);
	}
}

static void view_media(struct frame *f, const struct dd_snap *s)
{
	int nw = name_width(s);
	int sw = 12, cw = 0;
	bool wide;

	if (!s->n_media)
		return;
	for (size_t i = 0; i < s->n_media; i++) {
		const struct dd_medium *m = &s->media[i];
		g_autofree char *c = g_strdup_printf(
			"tx %" G_GINT64_FORMAT "  rx %" G_GINT64_FORMAT "  dropped %" G_GINT64_FORMAT,
			m->tx, m->rx, m->dropped);

		sw = MAX(sw, (int)g_utf8_strlen(m->spec, -1));
		cw = MAX(cw, (int)strlen(c));
	}
	sw = MIN(sw, 28) + 2;
	/* the counters beside the first link when every line has room */
	wide = f->o->width >= 13 + sw + nw + 6 + HEARD_W + cw;
	add_line(f, "");
	add_title(f, "Media");
	for (size_t i = 0; i < s->n_media; i++) {
		const struct dd_medium *m = &s->media[i];
		g_autofree char *counters = g_strdup_printf(
			"tx %" G_GINT64_FORMAT "  rx %" G_GINT64_FORMAT "  dropped %" G_GINT64_FORMAT,
			m->tx, m->rx, m->dropped);
		int rows = 0;

		for (size_t j = 0; j < s->n_nodes; j++) {
			const struct dd_node *n = &s->nodes[j];

			for (size_t k = 0; k < n->n_links; k++) {
				const struct dd_link *lk = &n->links[k];
				g_autoptr(GString) l = g_string_new(NULL);
				g_autofree char *h = NULL;

				if (lk->medium != m->index)
					continue;
				h = heard_text(f->o, lk->status, lk->heard, lk->last_heard_ms);
				if (rows == 0)
					g_string_append_printf(l, "  %-2" G_GINT64_FORMAT " %-7s", m->index, m->type);
				else
					g_string_append(l, "             ");
				put_padded(l, rows == 0 ? m->spec : "", sw);
				put_padded(l, n->name, nw);
				put_state(l, f->o, lk->status, 6);
				if (wide && rows == 0)
					put_padded(l, h, HEARD_W);
				else
					g_string_append(l, h);
				if (wide && rows == 0)
					g_string_append(l, counters);
				add_line(f, l->str);
				rows++;
			}
		}
		if (rows == 0) {
			g_autoptr(GString) l = g_string_new(NULL);

			g_string_append_printf(l, "  %-2" G_GINT64_FORMAT " %-7s", m->index, m->type);
			put_padded(l, m->spec, sw);
			put_padded(l, "-", nw);
			g_string_append(l, "no peer heard");
			if (wide) {
				g_string_append(l, "  ");
				g_string_append(l, counters);
			}
			add_line(f, l->str);
			rows++;
		}
		if (!wide) {
			g_autofree char *l = g_strdup_printf("             %s", counters);

			add_line(f, l);
		}
	}
}

static void view_groups(struct frame *f, const struct dd_snap *s)
{
	int kw = 12;

	add_line(f, "");
	add_title(f, "Resource groups");
	if (!s->n_groups) {
		add_line(f, "  none configured");
		return;
	}
	for (size_t i = 0; i < s->n_groups; i++)
		kw = MAX(kw, (int)g_utf8_strlen(s->groups[i].key, -1));
	kw = MIN(kw, 30) + 2;
	for (size_t i = 0; i < s->n_groups; i++) {
		const struct dd_group *g = &s->groups[i];
		g_autoptr(GString) l = g_string_new("  ");
		g_autoptr(GString) r = g_string_new(NULL);

		put_padded(l, g->key, kw);
		put_state(l, f->o, g->state, 0);
		if (strcmp(g->owner, "none") != 0)
			g_string_append_printf(l, " on %s", g->owner);
		if (g->preferred)
			g_string_append_printf(l, "  (preferred %s)", g->preferred);
		add_line(f, l->str);
		/* the resources, wrapped at the width */
		for (size_t j = 0; j < g->n_resources; j++) {
			int len = (int)g_utf8_strlen(g->resources[j], -1);

			if (r->len && 4 + (int)g_utf8_strlen(r->str, -1) + 1 + len > f->o->width) {
				g_autofree char *line = g_strdup_printf("    %s", r->str);

				add_line(f, line);
				g_string_truncate(r, 0);
			}
			if (r->len)
				g_string_append_c(r, ' ');
			g_string_append(r, g->resources[j]);
		}
		if (r->len) {
			g_autofree char *line = g_strdup_printf("    %s", r->str);

			add_line(f, line);
		}
	}
}

/*
 * Replicated devices (role, connection, disk state, resync progress) join
 * the snapshot in the integration issue; this is where they will be drawn.
 */
static void view_devices(struct frame *f, const struct dd_snap *s)
{
	if (!s->has_devices)
		return;
	add_line(f, "");
	add_title(f, "Replicated devices");
	add_line(f, "  (reported by duetd; not drawn by this ha_status yet)");
}

static void view_events(struct frame *f, const struct dd_snap *s)
{
	size_t first = 0;

	add_line(f, "");
	add_title(f, "Recent events");
	if (!s->n_events) {
		add_line(f, "  none");
		return;
	}
	if (f->o->height > 0) {
		int room = MAX(f->o->height - f->lines, 3);

		if (s->n_events > (size_t)room)
			first = s->n_events - (size_t)room;
	}
	for (size_t i = first; i < s->n_events; i++) {
		const struct dd_event *e = &s->events[i];
		g_autofree char *t = clock_of_iso(e->time);
		g_autofree char *l = g_strdup_printf("  %s  %-6s %s", t, e->kind, e->text);

		add_line(f, l);
	}
}

char *dd_view_frame(const struct dd_snap *s, const struct dd_view_opts *o)
{
	struct frame f = { .out = g_string_new(NULL), .o = o };

	view_header(&f, s);
	view_nodes(&f, s);
	view_media(&f, s);
	view_groups(&f, s);
	view_devices(&f, s);
	view_events(&f, s);
	return g_string_free(f.out, FALSE);
}

char *dd_view_waiting(const struct dd_view_opts *o, const char *why)
{
	struct frame f = { .out = g_string_new(NULL), .o = o };
	g_autofree char *now = clock_of(o->now_ms);
	g_autofree char *l = g_strdup_printf("waiting for duetd (since %s)", now);

	add_line(&f, l);
	if (why) {
		g_autofree char *w = g_strdup_printf("  %s", why);

		add_line(&f, w);
	}
	return g_string_free(f.out, FALSE);
}

char *dd_view_status(const struct dd_snap *s)
{
	GString *out = g_string_new(NULL);

	g_string_append_printf(out, "duetd is running on this node (%s): %s", s->node, s->status);
	if (s->pid)
		g_string_append_printf(out, ", pid %" G_GINT64_FORMAT, s->pid);
	g_string_append_printf(out, "\nresources: %s, standby %s\n",
			       s->rsc_state ? s->rsc_state : "unknown",
			       s->standby ? "on" : "off");
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct dd_node *n = &s->nodes[i];

		g_string_append_printf(out, "\n%s\t%s\t(nodetype: %s%s)\n", n->name, n->status,
				       n->type, n->local ? ", this node" : "");
		for (size_t j = 0; j < n->n_links; j++) {
			char name[64];

			g_string_append_printf(out, "\t%s\t%s\n",
					       dd_snap_link_name(s, n->links[j].medium, name, sizeof(name)),
					       n->links[j].status);
		}
	}
	if (s->n_groups)
		g_string_append_c(out, '\n');
	for (size_t i = 0; i < s->n_groups; i++) {
		const struct dd_group *g = &s->groups[i];

		g_string_append_printf(out, "group %s: %s", g->key, g->state);
		if (strcmp(g->owner, "none") != 0)
			g_string_append_printf(out, " on %s", g->owner);
		if (g->preferred)
			g_string_append_printf(out, " (preferred %s)", g->preferred);
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}

char *dd_view_nodes(const struct dd_snap *s)
{
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < s->n_nodes; i++)
		g_string_append_printf(out, "%s: %s\n", s->nodes[i].name, s->nodes[i].status);
	return g_string_free(out, FALSE);
}

char *dd_view_links(const struct dd_snap *s)
{
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct dd_node *n = &s->nodes[i];

		for (size_t j = 0; j < n->n_links; j++) {
			char name[64];

			g_string_append_printf(out, "%s %s %s\n", n->name,
					       dd_snap_link_name(s, n->links[j].medium, name, sizeof(name)),
					       n->links[j].status);
		}
	}
	return g_string_free(out, FALSE);
}

static char *to_json(JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	char *text;

	json_generator_set_pretty(gen, TRUE);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	return text;
}

char *dd_view_nodes_json(const struct dd_snap *s)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_array(b);
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct dd_node *n = &s->nodes[i];

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, n->name);
		json_builder_set_member_name(b, "local");
		json_builder_add_boolean_value(b, n->local);
		json_builder_set_member_name(b, "type");
		json_builder_add_string_value(b, n->type);
		json_builder_set_member_name(b, "status");
		json_builder_add_string_value(b, n->status);
		if (n->heard) {
			json_builder_set_member_name(b, "last_heard_ms");
			json_builder_add_int_value(b, n->last_heard_ms);
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	return to_json(b);
}

char *dd_view_links_json(const struct dd_snap *s)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_array(b);
	for (size_t i = 0; i < s->n_nodes; i++) {
		const struct dd_node *n = &s->nodes[i];

		for (size_t j = 0; j < n->n_links; j++) {
			const struct dd_link *l = &n->links[j];
			const struct dd_medium *m = dd_snap_find_medium(s, l->medium);
			char name[64];

			json_builder_begin_object(b);
			json_builder_set_member_name(b, "node");
			json_builder_add_string_value(b, n->name);
			json_builder_set_member_name(b, "link");
			json_builder_add_string_value(b, dd_snap_link_name(s, l->medium, name, sizeof(name)));
			json_builder_set_member_name(b, "medium");
			json_builder_add_int_value(b, l->medium);
			if (m) {
				json_builder_set_member_name(b, "type");
				json_builder_add_string_value(b, m->type);
			}
			json_builder_set_member_name(b, "status");
			json_builder_add_string_value(b, l->status);
			if (l->heard) {
				json_builder_set_member_name(b, "last_heard_ms");
				json_builder_add_int_value(b, l->last_heard_ms);
			}
			json_builder_end_object(b);
		}
	}
	json_builder_end_array(b);
	return to_json(b);
}
