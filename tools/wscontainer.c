// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdio.h>
#include <string.h>
#include "wscontainer.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A path component, NUL-terminated; "" if longer than a cgroup's name. */
struct ws_comp {
	char s[WS_UNIT_MAX + 1];
};

/*
 * The container scopes of each runtime, as prefix + 64 hex + suffix: the
 * systemd driver's scopes, and the cgroupfs driver's names for CRI-O and
 * podman (/libpod_parent/libpod-ID).  docker's and Kubernetes' cgroupfs
 * layouts name a container by its bare id: see bare_runtime().
 */
static const struct {
	const char *prefix;
	const char *suffix;
	const char *runtime;
} ws_scopes[] = {
	{ "docker-", ".scope", "docker" },
	{ "cri-containerd-", ".scope", "containerd" },
	{ "crio-", ".scope", "cri-o" },
	{ "crio-", "", "cri-o" },
	{ "libpod-", ".scope", "podman" },
	{ "libpod-", "", "podman" },
};

/* The kubelet's pod slices (systemd driver), each then UID.slice. */
static const char *const ws_pod_slices[] = {
	"kubepods-pod", "kubepods-burstable-pod", "kubepods-besteffort-pod",
};

/* The units systemd makes cgroups for. */
static const char *const ws_unit_suffixes[] = {
	".service", ".scope", ".slice",
};

static bool is_lhex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

/* @n bytes of @s are all lowercase hex digits or @also (0: none). */
static bool all_hex(const char *s, size_t n, char also)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_lhex(s[i]) && (!also || s[i] != also))
			return false;
	return true;
}

/* @s is @prefix, @n bytes returned in @mid, then @suffix. */
static bool framed(const char *s, const char *prefix, const char *suffix,
		   const char **mid, size_t *n)
{
	size_t ls = strlen(s), lp = strlen(prefix), lx = strlen(suffix);

	if (ls < lp + lx || strncmp(s, prefix, lp) ||
	    strcmp(s + ls - lx, suffix))
		return false;
	*mid = s + lp;
	*n = ls - lp - lx;
	return true;
}

/* A pod uid of @n bytes at @s, '_' (the systemd driver's) as '-'. */
static bool take_uid(const char *s, size_t n, char sep, char *uid)
{
	size_t i;

	if (!n || n > WS_POD_UID_MAX || !all_hex(s, n, sep))
		return false;
	for (i = 0; i < n; i++)
		uid[i] = s[i] == '_' ? '-' : s[i];
	uid[n] = '\0';
	return true;
}

/*
 * A pod slice of the systemd driver: [...-]kubepods[-QOS]-podUID.slice,
 * the uid's '-' written '_'.
 */
static bool pod_slice(const char *s, char *uid)
{
	const char *p, *mid;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(ws_pod_slices); i++) {
		p = strstr(s, ws_pod_slices[i]);
		if (!p || (p != s && p[-1] != '-'))
			continue;
		if (framed(p, ws_pod_slices[i], ".slice", &mid, &n) &&
		    take_uid(mid, n, '_', uid))
			return true;
	}
	return false;
}

/* A pod directory of the cgroupfs driver: kubepods/[QOS/]podUID. */
static bool pod_dir(const char *s, const char *prev, const char *prev2,
		    char *uid)
{
	bool qos = !strcmp(prev, "burstable") || !strcmp(prev, "besteffort");

	if (strncmp(s, "pod", 3))
		return false;
	if (strcmp(prev, "kubepods") && !(qos && !strcmp(prev2, "kubepods")))
		return false;
	return take_uid(s + 3, strlen(s) - 3, '-', uid);
}

/* The runtime of a bare 64-hex name: docker's or a pod's cgroupfs layout. */
static const char *bare_runtime(const char *s, const char *prev, bool in_pod)
{
	if (strlen(s) != WS_CT_ID_LEN || !all_hex(s, WS_CT_ID_LEN, 0))
		return NULL;
	if (!strcmp(prev, "docker"))
		return "docker";
	return in_pod ? "kubernetes" : NULL;
}

/* A container's cgroup: its runtime, and its id at @id; NULL if not one. */
static const char *container_of(const char *s, const char *prev, bool in_pod,
				const char **id)
{
	const char *mid;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(ws_scopes); i++) {
		if (framed(s, ws_scopes[i].prefix, ws_scopes[i].suffix, &mid,
			   &n) && n == WS_CT_ID_LEN &&
		    all_hex(mid, n, 0)) {
			*id = mid;
			return ws_scopes[i].runtime;
		}
	}
	*id = s;
	return bare_runtime(s, prev, in_pod);
}

static bool is_unit(const char *s)
{
	size_t i, n = strlen(s), m;

	for (i = 0; i < ARRAY_SIZE(ws_unit_suffixes); i++) {
		m = strlen(ws_unit_suffixes[i]);
		if (n > m && !strcmp(s + n - m, ws_unit_suffixes[i]))
			return true;
	}
	return false;
}

/* The next component of *@p into @c, or false at the end of the path. */
static bool next_comp(const char **p, struct ws_comp *c)
{
	size_t n;

	while (**p == '/')
		(*p)++;
	if (!**p)
		return false;
	n = strcspn(*p, "/");
	if (n < sizeof(c->s)) {
		memcpy(c->s, *p, n);
		c->s[n] = '\0';
	} else {
		c->s[0] = '\0';
	}
	*p += n;
	return true;
}

static void set_container(struct ws_container *c, const char *runtime,
			  const char *id)
{
	c->runtime = runtime;
	snprintf(c->id, sizeof(c->id), "%.*s", WS_CT_ID_LEN, id);
	snprintf(c->short_id, sizeof(c->short_id), "%.*s", WS_CT_SHORT_LEN,
		 id);
}

/* Whether component @cur names a pod or a container, noted in @c. */
static bool note_comp(struct ws_container *c, const struct ws_comp *cur,
		      const struct ws_comp *prev, const struct ws_comp *prev2)
{
	const char *rt, *id;

	if (pod_slice(cur->s, c->pod_uid) ||
	    pod_dir(cur->s, prev->s, prev2->s, c->pod_uid)) {
		set_container(c, "", "");	/* a pod in a container */
		return true;
	}
	rt = container_of(cur->s, prev->s, c->pod_uid[0], &id);
	if (!rt)
		return false;
	set_container(c, rt, id);
	return true;
}

void ws_container_parse(const char *upath, struct ws_container *c)
{
	struct ws_comp comp[3] = { 0 };	/* this one, its parent, theirs */
	bool special = false;
	const char *p = upath;

	memset(c, 0, sizeof(*c));
	c->runtime = "";
	while (next_comp(&p, &comp[0])) {
		special = note_comp(c, &comp[0], &comp[1], &comp[2]);
		comp[2] = comp[1];
		comp[1] = comp[0];
	}
	if (!special && is_unit(comp[1].s))
		snprintf(c->unit, sizeof(c->unit), "%s", comp[1].s);
}

const char *ws_container_label(const struct ws_container *c)
{
	if (c->short_id[0])
		return c->short_id;
	if (c->pod_uid[0])
		return c->pod_uid;
	return c->unit[0] ? c->unit : "-";
}

int ws_container_arg(const char *in, char *out, size_t len)
{
	size_t i, n = strlen(in), hex = 0;
	char ch;

	if (n < 4 || n > WS_CT_ID_LEN || n >= len)
		return -1;
	for (i = 0; i < n; i++) {
		ch = in[i];
		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		if (ch == '_')
			ch = '-';
		if (!is_lhex(ch) && ch != '-')
			return -1;
		hex += ch != '-';
		out[i] = ch;
	}
	out[n] = '\0';
	return hex >= 4 ? 0 : -1;
}

bool ws_container_match(const struct ws_container *c, const char *want)
{
	size_t n = strlen(want);

	return (c->id[0] && !strncmp(c->id, want, n)) ||
	       (c->pod_uid[0] && !strncmp(c->pod_uid, want, n));
}
