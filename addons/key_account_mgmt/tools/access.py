"""Who decides as a key account manager (or as the manager a settings screen names)."""

MANAGER_GROUP = "key_account_mgmt.group_kam_manager"


def is_manager(env, group, superuser=True):
    """Whether the user of ``env`` is in ``group`` (an XML id). A superuser environment
    (``sudo()``: the module's own flows) counts as one unless ``superuser=False``."""
    return (superuser and env.su) or env.user.has_group(group)


def is_kam_manager(env, superuser=True):
    """Whether the user of ``env`` is a key account manager (see ``is_manager``)."""
    return is_manager(env, MANAGER_GROUP, superuser=superuser)
