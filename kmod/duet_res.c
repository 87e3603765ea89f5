// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: resources, the named groups of minors that roles and the
 * network connection apply to.
 */
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "duet.h"

DEFINE_MUTEX(duet_conf_lock);
static LIST_HEAD(duet_resources);	/* under duet_conf_lock */

struct duet_resource *duet_res_find(const char *name)
{
	struct duet_resource *res;

	lockdep_assert_held(&duet_conf_lock);
	list_for_each_entry(res, &duet_resources, list)
		if (!strcmp(res->name, name))
			return res;
	return NULL;
}

int duet_res_create(const char *name, struct duet_resource **out)
{
	struct duet_resource *res;

	lockdep_assert_held(&duet_conf_lock);
	if (!name[0] || strlen(name) > DUET_RES_NAME_MAX)
		return -EINVAL;
	if (duet_res_find(name))
		return -EEXIST;
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return -ENOMEM;
	strscpy(res->name, name, sizeof(res->name));
	INIT_LIST_HEAD(&res->devices);
	list_add_tail(&res->list, &duet_resources);
	if (out)
		*out = res;
	return 0;
}

/* Refused while the resource still has minors. */
int duet_res_destroy(struct duet_resource *res)
{
	lockdep_assert_held(&duet_conf_lock);
	if (!list_empty(&res->devices))
		return -EBUSY;
	duet_link_stop(res, false);
	list_del(&res->list);
	kfree(res);
	return 0;
}

struct duet_resource *duet_res_nth(unsigned long skip)
{
	struct duet_resource *res;

	lockdep_assert_held(&duet_conf_lock);
	list_for_each_entry(res, &duet_resources, list)
		if (!skip--)
			return res;
	return NULL;
}

/* Module unload: every minor (detached first) and every resource. */
void duet_res_destroy_all(void)
{
	struct duet_resource *res, *rtmp;
	struct duet_device *dev, *dtmp;

	mutex_lock(&duet_conf_lock);
	list_for_each_entry_safe(res, rtmp, &duet_resources, list) {
		duet_link_stop(res, true);
		list_for_each_entry_safe(dev, dtmp, &res->devices, res_list)
			duet_dev_destroy(dev);
		duet_res_destroy(res);
	}
	mutex_unlock(&duet_conf_lock);
}
