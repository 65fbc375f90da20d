from odoo import fields, models


class CustomerScoreRun(models.Model):
    """State of a scheduled scoring run, so an interrupted run resumes where it stopped."""

    _name = "customer.score.run"
    _description = "Customer Scoring Run"
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    date = fields.Date(string="As of", required=True, index=True)
    run_key = fields.Char(required=True, readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done")], default="running", required=True
    )
    last_partner_id = fields.Integer(
        help="Partners are processed in id order; the next batch starts after this id."
    )
    done_count = fields.Integer()
    total_count = fields.Integer()
    date_done = fields.Datetime()

    _sql_constraints = [
        ("company_date_uniq", "unique(company_id, date)", "One scheduled run per company a day."),
    ]
