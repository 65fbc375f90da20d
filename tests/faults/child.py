"""The job a second Odoo process runs in the fault tests (forked by ``conftest.Odoo``,
or on its own: ``python3 child.py <odoo.conf> <addons path> <database> <mode> [xml id]``).

Modes:
  cron <xml id>    the job as the scheduler runs it: the cron made due, then
                   ``ir.cron._process_jobs`` (the job's row lock, ``_notify_progress``, a
                   commit after every call, the re-runs of a partially done job) until it
                   is no longer due
  button           the scoring button (``action_recompute_scores``) as the admin, in one
                   transaction committed at the end, as an HTTP request is
  direct <xml id>  the cron's server action once, in one transaction committed at the end
                   (another job calling the same engine, without the cron's row lock)

Prints ``USER_ERROR <message>`` and returns 3 when the job stops with a UserError,
``DONE`` and 0 when it ends.
"""

import sys
import time


def run(db, mode, argument=None):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.exceptions import UserError

    registry = odoo.modules.registry.Registry(db)
    try:
        if mode == "cron":
            with registry.cursor() as cr:
                cron = api.Environment(cr, SUPERUSER_ID, {}).ref(argument)
                cr.execute(
                    """UPDATE ir_cron SET active = TRUE,
                              nextcall = (now() AT TIME ZONE 'UTC') - interval '1 minute'
                        WHERE id = %s
                          -- Already due (another worker runs it): no row lock to wait for.
                          AND NOT (active AND nextcall <= (now() AT TIME ZONE 'UTC'))""",
                    [cron.id],
                )
            IrCron = registry["ir.cron"]
            deadline = time.monotonic() + 300
            while True:
                IrCron._process_jobs(db)
                with registry.cursor() as cr:
                    if not IrCron._get_all_ready_jobs(cr):
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{argument} is still due after 300 s")
                # Another worker holds the job: wait for it, as the scheduler does.
                time.sleep(0.1)
        elif mode == "button":
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                admin = env.ref("base.user_admin")
                env = env(user=admin, context={"allowed_company_ids": admin.company_ids.ids})
                env["customer.score"].action_recompute_scores()
        elif mode == "direct":
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env.ref(argument).ir_actions_server_id.run()
        else:
            raise ValueError(f"unknown mode {mode}")
    except UserError as error:
        print(f"USER_ERROR {error.args[0]}", flush=True)
        return 3
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    import odoo

    conf, addons, db, *rest = sys.argv[1:]
    odoo.tools.config.parse_config(["-c", conf, f"--addons-path={addons}", "--log-level=warn"])
    sys.exit(run(db, *rest))
