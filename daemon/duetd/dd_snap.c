/*
 * dd_snap: parse duetd's IPC bodies (snapshot, event, result object) into
 * structures. See dd_snap.h for the rules; the format is IPC.md's.
 */
#include "daemon/duetd/dd_snap.h"

#include <string.h>

#include <json-glib/json-glib.h>

G_DEFINE_QUARK(dd-snap-error-quark, dd_snap_error)

enum { DD_SNAP_ERR_SYNTAX = 1, DD_SNAP_ERR_TYPE, DD_SNAP_ERR_MISSING, DD_SNAP_ERR_VALUE };

static const char *kind_of(JsonNode *n)
{
	switch (json_node_get_node_type(n)) {
	case JSON_NODE_OBJECT:
		return "an object";
	case JSON_NODE_ARRAY:
		return "an array";
	case JSON_NODE_NULL:
		return "null";
	case JSON_NODE_VALUE:
		break;
	}
	switch (json_node_get_value_type(n)) {
	case G_TYPE_INT64:
		return "an integer";
	case G_TYPE_DOUBLE:
		return "a fractional number";
	case G_TYPE_BOOLEAN:
		return "a boolean";
	case G_TYPE_STRING:
		return "a string";
	default:
		return "an unknown value";
	}
}

/* "prefix.name", or "name" at the top level */
static char *path_of(const char *prefix, const char *name)
{
	return *prefix ? g_strdup_printf("%s.%s", prefix, name) : g_strdup(name);
}

/*
 * The member called name, NULL if absent or null. Sets *err and returns
 * NULL when a required member is missing; *err stays NULL otherwise.
 */
static JsonNode *member(JsonObject *o, const char *prefix, const char *name,
			bool required, GError **err)
{
	JsonNode *n = json_object_get_member(o, name);

	if (n && !JSON_NODE_HOLDS_NULL(n))
		return n;
	if (required) {
		g_autofree char *p = path_of(prefix, name);

		g_set_error(err, DD_SNAP_ERROR, DD_SNAP_ERR_MISSING,
			    "%s: missing", p);
	}
	return NULL;
}

static bool wrong_type(const char *prefix, const char *name, const char *want,
		       JsonNode *n, GError **err)
{
	g_autofree char *p = path_of(prefix, name);

	g_set_error(err, DD_SNAP_ERROR, DD_SNAP_ERR_TYPE,
		    "%s: expected %s, got %s", p, want, kind_of(n));
	return false;
}

static bool holds(JsonNode *n, GType t)
{
	return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == t;
}

/*
 * A string for a terminal: valid UTF-8 with every control character (C0,
 * DEL, C1) replaced by '?', so that nothing duetd relays (an event's text,
 * a node name) can move the cursor or change colours.
 */
static char *clean_text(const char *in)
{
	g_autofree char *valid = g_utf8_make_valid(in, -1);
	GString *out = g_string_sized_new(strlen(valid));

	for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || (c >= 0x7f && c < 0xa0))
			g_string_append_c(out, '?');
		else
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
	}
	return g_string_free(out, FALSE);
}

/* Each get_* returns false with *err set on error; absent optional
 * members leave *out untouched and return true. */
static bool get_str(JsonObject *o, const char *prefix, const char *name,
		    bool required, char **out, GError **err)
{
	GError *e = NULL;
	JsonNode *n = member(o, prefix, name, required, &e);

	if (e) {
		g_propagate_error(err, e);
		return false;
	}
	if (!n)
		return true;
	if (!holds(n, G_TYPE_STRING))
		return wrong_type(prefix, name, "a string", n, err);
	g_free(*out);
	*out = clean_text(json_node_get_string(n));
	return true;
}

static bool get_int(JsonObject *o, const char *prefix, const char *name,
		    bool required, int64_t *out, bool *present, GError **err)
{
	GError *e = NULL;
	JsonNode *n = member(o, prefix, name, required, &e);

	if (e) {
		g_propagate_error(err, e);
		return false;
	}
	if (!n)
		return true;
	if (!holds(n, G_TYPE_INT64))
		return wrong_type(prefix, name, "an integer", n, err);
	*out = json_node_get_int(n);
	if (*out < 0) {
		g_autofree char *p = path_of(prefix, name);

		g_set_error(err, DD_SNAP_ERROR, DD_SNAP_ERR_VALUE,
			    "%s: negative value %" G_GINT64_FORMAT, p, *out);
		return false;
	}
	if (present)
		*present = true;
	return true;
}

static bool get_bool(JsonObject *o, const char *prefix, const char *name,
		     bool required, bool *out, GError **err)
{
	GError *e = NULL;
	JsonNode *n = member(o, prefix, name, required, &e);

	if (e) {
		g_propagate_error(err, e);
		return false;
	}
	if (!n)
		return true;
	if (!holds(n, G_TYPE_BOOLEAN))
		return wrong_type(prefix, name, "a boolean", n, err);
	*out = json_node_get_boolean(n);
	return true;
}

/* an array member; *out NULL when absent */
static bool get_array(JsonObject *o, const char *prefix, const char *name,
		      bool required, JsonArray **out, GError **err)
{
	GError *e = NULL;
	JsonNode *n = member(o, prefix, name, required, &e);

	*out = NULL;
	if (e) {
		g_propagate_error(err, e);
		return false;
	}
	if (!n)
		return true;
	if (!JSON_NODE_HOLDS_ARRAY(n))
		return wrong_type(prefix, name, "an array", n, err);
	*out = json_node_get_array(n);
	return true;
}

/* element i of an array of objects, or an error naming "name[i]" */
static JsonObject *element(JsonArray *a, guint i, const char *prefix,
			   const char *name, char **epath, GError **err)
{
	JsonNode *n = json_array_get_element(a, i);
	g_autofree char *p = path_of(prefix, name);

	*epath = g_strdup_printf("%s[%u]", p, i);
	if (!JSON_NODE_HOLDS_OBJECT(n)) {
		g_set_error(err, DD_SNAP_ERROR, DD_SNAP_ERR_TYPE,
			    "%s: expected an object, got %s", *epath, kind_of(n));
		return NULL;
	}
	return json_node_get_object(n);
}

/* Parses text into a root object; the parser owns the returned object. */
static JsonObject *parse_root(JsonParser *parser, const char *text, size_t len,
			      const char *what, GError **err)
{
	GError *e = NULL;
	JsonNode *root;

	if (len > G_MAXSSIZE || !json_parser_load_from_data(parser, text, (gssize)len, &e)) {
		g_set_error(err, DD_SNAP_ERROR, DD_SNAP_ERR_SYNTAX,
			    "%s: not valid JSON: %s", what, e ? e->message : "too long");
		g_clear_error(&e);
		return NULL;
	}
	root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(err, DD_SNAP_ERROR, DD_SNAP_ERR_TYPE,
			    "%s: expected a JSON object, got %s", what,
			    root ? kind_of(root) : "nothing");
		return NULL;
	}
	return json_node_get_object(root);
}

static bool parse_links(JsonObject *o, const char *prefix, struct dd_node *nd, GError **err)
{
	JsonArray *a;

	if (!get_array(o, prefix, "links", false, &a, err))
		return false;
	if (!a)
		return true;
	nd->n_links = json_array_get_length(a);
	nd->links = g_new0(struct dd_link, nd->n_links ? nd->n_links : 1);
	for (guint i = 0; i < nd->n_links; i++) {
		g_autofree char *ep = NULL;
		JsonObject *lo = element(a, i, prefix, "links", &ep, err);
		struct dd_link *l = &nd->links[i];

		if (!lo ||
		    !get_int(lo, ep, "medium", true, &l->medium, NULL, err) ||
		    !get_str(lo, ep, "status", true, &l->status, err) ||
		    !get_int(lo, ep, "last_heard_ms", false, &l->last_heard_ms, &l->heard, err))
			return false;
	}
	return true;
}

static bool parse_nodes(JsonObject *root, struct dd_snap *s, GError **err)
{
	JsonArray *a;

	if (!get_array(root, "", "nodes", true, &a, err))
		return false;
	s->n_nodes = json_array_get_length(a);
	s->nodes = g_new0(struct dd_node, s->n_nodes ? s->n_nodes : 1);
	for (guint i = 0; i < s->n_nodes; i++) {
		g_autofree char *ep = NULL;
		JsonObject *no = element(a, i, "", "nodes", &ep, err);
		struct dd_node *nd = &s->nodes[i];

		if (!no ||
		    !get_str(no, ep, "name", true, &nd->name, err) ||
		    !get_bool(no, ep, "local", false, &nd->local, err) ||
		    !get_str(no, ep, "type", false, &nd->type, err) ||
		    !get_str(no, ep, "status", true, &nd->status, err) ||
		    !get_int(no, ep, "last_heard_ms", false, &nd->last_heard_ms, &nd->heard, err) ||
		    !parse_links(no, ep, nd, err))
			return false;
		if (!nd->type)
			nd->type = g_strdup("normal");
	}
	return true;
}

static bool parse_media(JsonObject *root, struct dd_snap *s, GError **err)
{
	JsonArray *a;

	if (!get_array(root, "", "media", false, &a, err))
		return false;
	if (!a)
		return true;
	s->n_media = json_array_get_length(a);
	s->media = g_new0(struct dd_medium, s->n_media ? s->n_media : 1);
	for (guint i = 0; i < s->n_media; i++) {
		g_autofree char *ep = NULL;
		JsonObject *mo = element(a, i, "", "media", &ep, err);
		struct dd_medium *m = &s->media[i];

		if (!mo ||
		    !get_int(mo, ep, "index", true, &m->index, NULL, err) ||
		    !get_str(mo, ep, "type", true, &m->type, err) ||
		    !get_str(mo, ep, "spec", false, &m->spec, err) ||
		    !get_int(mo, ep, "tx", false, &m->tx, NULL, err) ||
		    !get_int(mo, ep, "rx", false, &m->rx, NULL, err) ||
		    !get_int(mo, ep, "dropped", false, &m->dropped, NULL, err))
			return false;
		if (!m->spec)
			m->spec = g_strdup("");
	}
	return true;
}

static bool parse_groups(JsonObject *root, struct dd_snap *s, GError **err)
{
	JsonArray *a;

	if (!get_array(root, "", "groups", false, &a, err))
		return false;
	if (!a)
		return true;
	s->n_groups = json_array_get_length(a);
	s->groups = g_new0(struct dd_group, s->n_groups ? s->n_groups : 1);
	for (guint i = 0; i < s->n_groups; i++) {
		g_autofree char *ep = NULL;
		JsonObject *go = element(a, i, "", "groups", &ep, err);
		struct dd_group *g = &s->groups[i];
		JsonArray *ra;

		if (!go ||
		    !get_str(go, ep, "key", true, &g->key, err) ||
		    !get_str(go, ep, "preferred", false, &g->preferred, err) ||
		    !get_str(go, ep, "owner", true, &g->owner, err) ||
		    !get_str(go, ep, "state", true, &g->state, err) ||
		    !get_array(go, ep, "resources", false, &ra, err))
			return false;
		g->n_resources = ra ? json_array_get_length(ra) : 0;
		g->resources = g_new0(char *, g->n_resources + 1);
		for (guint j = 0; j < g->n_resources; j++) {
			JsonNode *rn = json_array_get_element(ra, j);

			if (!holds(rn, G_TYPE_STRING)) {
				g_set_error(err, DD_SNAP_ERROR, DD_SNAP_ERR_TYPE,
					    "%s.resources[%u]: expected a string, got %s",
					    ep, j, kind_of(rn));
				return false;
			}
			g->resources[j] = clean_text(json_node_get_string(rn));
		}
	}
	return true;
}

static bool parse_event_obj(JsonObject *o, const char *prefix, struct dd_event *e, GError **err)
{
	return get_str(o, prefix, "time", true, &e->time, err) &&
	       get_str(o, prefix, "kind", true, &e->kind, err) &&
	       get_str(o, prefix, "text", true, &e->text, err);
}

static bool parse_events(JsonObject *root, struct dd_snap *s, GError **err)
{
	JsonArray *a;

	if (!get_array(root, "", "events", false, &a, err))
		return false;
	if (!a)
		return true;
	s->n_events = json_array_get_length(a);
	s->events = g_new0(struct dd_event, s->n_events ? s->n_events : 1);
	for (guint i = 0; i < s->n_events; i++) {
		g_autofree char *ep = NULL;
		JsonObject *eo = element(a, i, "", "events", &ep, err);

		if (!eo || !parse_event_obj(eo, ep, &s->events[i], err))
			return false;
	}
	return true;
}

static bool parse_dropped(JsonObject *root, struct dd_snap *s, GError **err)
{
	GError *e = NULL;
	JsonNode *n = member(root, "", "dropped", false, &e);
	JsonObjectIter it;
	const char *name;
	JsonNode *v;
	size_t i = 0;

	if (!n)
		return true;
	if (!JSON_NODE_HOLDS_OBJECT(n))
		return wrong_type("", "dropped", "an object", n, err);
	s->n_dropped = json_object_get_size(json_node_get_object(n));
	s->dropped = g_new0(struct dd_counter, s->n_dropped ? s->n_dropped : 1);
	json_object_iter_init_ordered(&it, json_node_get_object(n));
	while (json_object_iter_next_ordered(&it, &name, &v)) {
		if (!holds(v, G_TYPE_INT64))
			return wrong_type("dropped", name, "an integer", v, err);
		s->dropped[i].name = clean_text(name);
		s->dropped[i].value = json_node_get_int(v);
		i++;
	}
	return true;
}

static bool parse_config(JsonObject *root, struct dd_snap *s, GError **err)
{
	GError *e = NULL;
	JsonNode *n = member(root, "", "config", false, &e);
	JsonObject *c;

	s->config.keepalive_ms = s->config.warntime_ms = -1;
	s->config.deadtime_ms = s->config.initdead_ms = s->config.udpport = -1;
	if (!n)
		return true;
	if (!JSON_NODE_HOLDS_OBJECT(n))
		return wrong_type("", "config", "an object", n, err);
	c = json_node_get_object(n);
	return get_int(c, "config", "keepalive_ms", false, &s->config.keepalive_ms, NULL, err) &&
	       get_int(c, "config", "warntime_ms", false, &s->config.warntime_ms, NULL, err) &&
	       get_int(c, "config", "deadtime_ms", false, &s->config.deadtime_ms, NULL, err) &&
	       get_int(c, "config", "initdead_ms", false, &s->config.initdead_ms, NULL, err) &&
	       get_int(c, "config", "udpport", false, &s->config.udpport, NULL, err) &&
	       get_str(c, "config", "auto_failback", false, &s->config.auto_failback, err);
}

struct dd_snap *dd_snap_parse(const char *text, size_t len, GError **err)
{
	g_autoptr(JsonParser) parser = json_parser_new_immutable();
	struct dd_snap *s = g_new0(struct dd_snap, 1);
	JsonObject *root = parse_root(parser, text, len, "snapshot", err);

	s->uptime_ms = -1;
	if (!root ||
	    !get_int(root, "", "version", true, &s->version, NULL, err))
		goto fail;
	if (s->version != DD_SNAP_VERSION) {
		g_set_error(err, DD_SNAP_ERROR, DD_SNAP_ERR_VALUE,
			    "version: snapshot version %" G_GINT64_FORMAT
			    " not understood (this program reads version %d)",
			    s->version, DD_SNAP_VERSION);
		goto fail;
	}
	if (!get_str(root, "", "node", true, &s->node, err) ||
	    !get_str(root, "", "status", true, &s->status, err) ||
	    !get_int(root, "", "pid", false, &s->pid, NULL, err) ||
	    !get_int(root, "", "uptime_ms", false, &s->uptime_ms, NULL, err) ||
	    !parse_config(root, s, err) ||
	    !parse_nodes(root, s, err) ||
	    !parse_media(root, s, err) ||
	    !get_str(root, "", "rsc_state", false, &s->rsc_state, err) ||
	    !get_bool(root, "", "standby", false, &s->standby, err) ||
	    !parse_groups(root, s, err) ||
	    !parse_dropped(root, s, err) ||
	    !parse_events(root, s, err))
		goto fail;
	s->has_devices = json_object_has_member(root, "devices");
	return s;
fail:
	dd_snap_free(s);
	return NULL;
}

void dd_event_clear(struct dd_event *e)
{
	g_clear_pointer(&e->time, g_free);
	g_clear_pointer(&e->kind, g_free);
	g_clear_pointer(&e->text, g_free);
}

void dd_snap_free(struct dd_snap *s)
{
	if (!s)
		return;
	g_free(s->node);
	g_free(s->status);
	g_free(s->config.auto_failback);
	for (size_t i = 0; i < s->n_nodes; i++) {
		struct dd_node *n = &s->nodes[i];

		g_free(n->name);
		g_free(n->type);
		g_free(n->status);
		for (size_t j = 0; j < n->n_links; j++)
			g_free(n->links[j].status);
		g_free(n->links);
	}
	g_free(s->nodes);
	for (size_t i = 0; i < s->n_media; i++) {
		g_free(s->media[i].type);
		g_free(s->media[i].spec);
	}
	g_free(s->media);
	g_free(s->rsc_state);
	for (size_t i = 0; i < s->n_groups; i++) {
		g_free(s->groups[i].key);
		g_free(s->groups[i].preferred);
		g_strfreev(s->groups[i].resources);
		g_free(s->groups[i].owner);
		g_free(s->groups[i].state);
	}
	g_free(s->groups);
	for (size_t i = 0; i < s->n_dropped; i++)
		g_free(s->dropped[i].name);
	g_free(s->dropped);
	for (size_t i = 0; i < s->n_events; i++)
		dd_event_clear(&s->events[i]);
	g_free(s->events);
	g_free(s);
}

bool dd_event_parse(const char *text, size_t len, struct dd_event *out, GError **err)
{
	g_autoptr(JsonParser) parser = json_parser_new_immutable();
	JsonObject *root = parse_root(parser, text, len, "event", err);

	memset(out, 0, sizeof(*out));
	if (root && parse_event_obj(root, "", out, err))
		return true;
	dd_event_clear(out);
	return false;
}

bool dd_result_parse(const char *text, size_t len, struct dd_result *out, GError **err)
{
	g_autoptr(JsonParser) parser = json_parser_new_immutable();
	JsonObject *root = parse_root(parser, text, len, "result", err);

	memset(out, 0, sizeof(*out));
	if (root && get_bool(root, "", "ok", true, &out->ok, err) &&
	    get_str(root, "", "message", false, &out->message, err)) {
		if (!out->message)
			out->message = g_strdup("");
		return true;
	}
	dd_result_clear(out);
	return false;
}

void dd_result_clear(struct dd_result *r)
{
	g_clear_pointer(&r->message, g_free);
}

const struct dd_node *dd_snap_find_node(const struct dd_snap *s, const char *name)
{
	for (size_t i = 0; i < s->n_nodes; i++)
		if (strcmp(s->nodes[i].name, name) == 0)
			return &s->nodes[i];
	return NULL;
}

const struct dd_medium *dd_snap_find_medium(const struct dd_snap *s, int64_t index)
{
	for (size_t i = 0; i < s->n_media; i++)
		if (s->media[i].index == index)
			return &s->media[i];
	return NULL;
}

const char *dd_snap_link_name(const struct dd_snap *s, int64_t medium, char *buf, size_t len)
{
	const struct dd_medium *m = dd_snap_find_medium(s, medium);
	size_t n;

	if (!m || !m->spec[0]) {
		g_snprintf(buf, len, "medium%" G_GINT64_FORMAT, medium);
		return buf;
	}
	n = strcspn(m->spec, " \t");
	g_snprintf(buf, len, "%.*s", (int)n, m->spec);
	return buf;
}
