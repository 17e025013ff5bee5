/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What a cgroup's path says about the container, the Kubernetes pod or the
 * systemd unit it belongs to, from the layouts that docker, containerd and
 * CRI-O (under Kubernetes) and podman make with the systemd and the
 * cgroupfs cgroup drivers.  Pure string work, so that it can be
 * unit-tested; wampstat's views use it to label cgroups and tasks.
 */
#ifndef WSCONTAINER_H
#define WSCONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#define WS_CT_ID_LEN	64	/* a container id: 64 lowercase hex digits */
#define WS_CT_SHORT_LEN	12	/* its short form, as docker ps shows it */
#define WS_POD_UID_MAX	64	/* a pod uid: a UUID, or a static pod's hash */
#define WS_UNIT_MAX	255	/* NAME_MAX: the longest name a cgroup has */

/* Empty strings for what the path does not say. */
struct ws_container {
	const char *runtime;	/* docker, containerd, cri-o, podman, kubernetes */
	char id[WS_CT_ID_LEN + 1];
	char short_id[WS_CT_SHORT_LEN + 1];
	char pod_uid[WS_POD_UID_MAX + 1];	/* with '-', as kubectl shows it */
	char unit[WS_UNIT_MAX + 1];	/* a .service, .scope or .slice */
};

/*
 * Recognise @upath (an unescaped cgroup path).  A container is the deepest
 * one on the path, so a cgroup below a container's is the container's; a
 * pod below a container (a kind node) starts afresh.  The monitors of
 * CRI-O and podman (crio-conmon-ID.scope, libpod-conmon-ID.scope) are not
 * the container: only their unit (and pod) is set.  The unit is the last
 * component when it is a .service, .scope or .slice that is neither a
 * container nor a pod.
 */
void ws_container_parse(const char *upath, struct ws_container *c);

/* What a text view shows of it: short id, pod uid, unit, or "-". */
const char *ws_container_label(const struct ws_container *c);

/*
 * A --container argument in the form ws_container_match() compares:
 * lowercase, '_' as '-'.  -1 unless it is 4 to 64 characters of hex
 * digits, '-' and '_', with at least 4 hex digits.
 */
int ws_container_arg(const char *in, char *out, size_t len);

/* @want (from ws_container_arg()) is a prefix of the id or the pod uid. */
bool ws_container_match(const struct ws_container *c, const char *want);

#endif /* WSCONTAINER_H */
