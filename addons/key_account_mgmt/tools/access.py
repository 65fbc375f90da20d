"""Who decides as a key account manager."""

MANAGER_GROUP = "key_account_mgmt.group_kam_manager"


def is_kam_manager(env, superuser=True):
    """Whether the user of ``env`` is a key account manager. A superuser environment
    (``sudo()``: the module's own flows) counts as one unless ``superuser=False``."""
    return (superuser and env.su) or env.user.has_group(MANAGER_GROUP)
