"""The customer's own portal user, through the web layer: every model of ours and the
class, score and health fields of res.partner answer /web/dataset/call_kw with an access
error, and no portal page, e-mail template or printed document (rendered as HTML) shows
the customer's class, score, health or SWOT.

The checks look for distinctive values of this customer (its SWOT text, its plan, its
class proposal's reason, its score and health as the back office shows them) and for the
labels of our fields; each check is first shown to catch the value where it is shown.
"""

import logging
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.addons.key_account_mgmt.tests.tour_case import TOUR_TAG, KamTourCase
from odoo.tests import JsonRpcException, new_test_user, tagged

_logger = logging.getLogger(__name__)

OUR_MODULES = ("key_account_mgmt", "customer_scoring")
SWOT_TEXT = "SWOT-SECRET-123"
PLAN_NAME = "PLAN-SECRET-456"
PROPOSAL_REASON = "CLASS-SECRET-789"
ACCESS_ERROR = "odoo.exceptions.AccessError"


@tagged("post_install", "-at_install", TOUR_TAG)
class TestTourPortalAccess(KamTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        env = cls.env
        cls.salesperson = new_test_user(
            env, login="pa_sales", groups="sales_team.group_sale_salesman"
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Portal Secret Oy",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "email": "orders@portal-secret.example.com",
                "is_key_account": True,
                "key_account_manager_id": cls.salesperson.id,
                "installer_count": 60,
                "customer_turnover": 25_000_000,
                "kam_turnover_currency_id": env.company.currency_id.id,
            }
        )
        cls.portal = new_test_user(
            env, login="pa_portal", groups="base.group_portal", name="Pia Portal"
        )
        cls.portal.partner_id.write({"parent_id": cls.customer.id, "type": "contact"})
        product = env["product.product"].create(
            {"name": "Portal Pump", "list_price": 100.0, "standard_price": 30.0, "type": "consu"}
        )
        today = fields.Date.context_today(env.user)
        cls.invoices = env["account.move"]
        for days, quantity in ((90, 40), (20, 25)):
            cls.invoices |= env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer.id,
                    "invoice_date": today - timedelta(days=days),
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": quantity, "price_unit": 100.0}
                        )
                    ],
                }
            )
        cls.invoices.action_post()
        cls.invoice = cls.invoices[-1]
        cls.order = env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 3})],
            }
        )
        cls.order.action_confirm()
        # The customer's standing: class A by hand, a score, health, SWOT, plan, proposal.
        cls.customer.abc_class_manual = "A"
        env["customer.score"].compute_scores(companies=env.company)
        cls.customer.action_kam_refresh_health()
        env["kam.swot.item"].create(
            {"partner_id": cls.customer.id, "swot_type": "weakness", "description": SWOT_TEXT}
        )
        cls.plan = env["kam.account.plan"].create(
            {"name": PLAN_NAME, "partner_id": cls.customer.id}
        )
        # The salesperson's proposal waits for a manager (a manager's own applies at once).
        env["kam.class.proposal"].with_user(cls.salesperson).create(
            {"partner_id": cls.customer.id, "proposed_class": "B", "reason": PROPOSAL_REASON}
        )
        cls.customer.invalidate_recordset()

    # ------------------------------------------------------------------ markers
    def _markers(self):
        """What must not reach the customer: distinctive values and our field labels."""
        partner = self.customer
        self.assertEqual(partner.abc_class, "A")
        self.assertTrue(partner.customer_score_id, "the scoring run scored the customer")
        self.assertTrue(partner.kam_health_display, "the customer has a health")
        values = {
            SWOT_TEXT,
            PLAN_NAME,
            PROPOSAL_REASON,
            partner.kam_health_display,
            partner.abc_class_explanation or SWOT_TEXT,
            partner.customer_final_class_note or SWOT_TEXT,
        }
        labels = set()
        for field in partner._fields.values():
            if field._module in OUR_MODULES and field.groups and " " in field.string:
                labels.add(field.string)
        # Words that name what is kept from the customer.
        labels |= {"SWOT", "Customer Score", "Relationship Health", "Key Account"}
        return values, labels

    def _leaks(self, html, values, labels):
        """The markers found in ``html`` (labels as whole words)."""
        text = html if isinstance(html, str) else html.decode()
        found = [value for value in values if value in text]
        found += [label for label in labels if re.search(r"\b%s\b" % re.escape(label), text, re.I)]
        return found

    # ------------------------------------------------------------------ call_kw
    def _our_models(self):
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.model"), ("module", "in", OUR_MODULES)]
        )
        names = self.env["ir.model"].browse(data.mapped("res_id")).mapped("model")
        return sorted(
            name
            for name in set(names)
            if self.env[name]._original_module in OUR_MODULES and not self.env[name]._abstract
        )

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _assert_denied(self, model, method, args, kwargs=None):
        with self.assertRaises(JsonRpcException, msg=f"{model}.{method}{args}") as caught:
            self._call_kw(model, method, args, kwargs)
        self.assertEqual(str(caught.exception), ACCESS_ERROR, f"{model}.{method}")

    def test_call_kw_refused(self):
        self.authenticate("pa_portal", "pa_portal")
        # The session works: the portal user reads her own name through the same route.
        own = self._call_kw("res.partner", "read", [self.portal.partner_id.ids, ["name"]])
        self.assertEqual(own[0]["name"], "Pia Portal")
        requests = 0
        models = self._our_models()
        self.assertIn("kam.swot.item", models)
        self.assertIn("customer.score", models)
        for model in models:
            record = self.env[model].sudo().search([], limit=1)
            ids = record.ids or [1]
            self._assert_denied(model, "search_read", [[]], {"fields": ["id"]})
            self._assert_denied(model, "read", [ids, ["id"]])
            self._assert_denied(model, "write", [ids, {"create_uid": self.portal.id}])
            requests += 3
        secret = [
            fname
            for fname, field in self.customer._fields.items()
            if field._module in OUR_MODULES and field.groups
        ]
        self.assertIn("abc_class", secret)
        self.assertIn("customer_score", secret)
        self.assertIn("kam_health", secret)
        customer = self.customer.ids
        for fname in secret:
            self._assert_denied("res.partner", "read", [customer, [fname]])
            requests += 1
            field = self.customer._fields[fname]
            if field.store:
                # On a list of records, a condition on their fields: Odoo answers
                # "(x2many, '!=', False)" without the field's groups (existence only).
                path = f"{fname}.id" if field.type in ("one2many", "many2many") else fname
                domain = [[(path, "!=", False)]]
                self._assert_denied("res.partner", "search_read", domain, {"fields": ["id"]})
                requests += 1
        for vals in ({"abc_class_manual": "C"}, {"is_key_account": False}):
            self._assert_denied("res.partner", "write", [customer, vals])
            requests += 1
        self.assertEqual(self.customer.abc_class_manual, "A")
        _logger.info("Portal call_kw: %s requests refused", requests)

    # ------------------------------------------------------------------ portal pages
    def test_portal_pages_keep_the_standing(self):
        values, labels = self._markers()
        self.authenticate("pa_portal", "pa_portal")
        invoice, order = self.invoice.name, self.order.name
        # Each page, and the document it must show (so that a refused page cannot pass).
        pages = [
            ("/my", "Pia Portal"),
            ("/my/home", "Pia Portal"),
            ("/my/account", "Pia Portal"),
            ("/my/invoices", invoice),
            (f"/my/invoices/{self.invoice.id}", invoice),
            (f"/my/invoices/{self.invoice.id}?report_type=html", invoice),
            ("/my/orders", order),
            (f"/my/orders/{self.order.id}", order),
            (f"/my/orders/{self.order.id}?report_type=html", order),
        ]
        for page, shown in pages:
            response = self.url_open(page)
            self.assertEqual(response.status_code, 200, page)
            self.assertIn(shown, response.text, page)
            self.assertEqual(self._leaks(response.text, values, labels), [], page)
        # The check catches what a page shows: the invoice's terms appear on its document.
        self.invoice.narration = SWOT_TEXT
        self.env.flush_all()
        response = self.url_open(f"/my/invoices/{self.invoice.id}?report_type=html")
        self.assertIn(SWOT_TEXT, self._leaks(response.text, values, labels))
        _logger.info("Portal pages checked: %s", len(pages))

    # ------------------------------------------------------------------ documents
    def test_templates_and_documents_keep_the_standing(self):
        values, labels = self._markers()
        templates = self.env["mail.template"].search(
            [("model", "in", ("account.move", "sale.order", "res.partner"))]
        )
        ours = self.env["ir.model.data"].search(
            [("model", "=", "mail.template"), ("module", "in", OUR_MODULES)]
        )
        templates |= self.env["mail.template"].browse(ours.mapped("res_id"))
        self.assertIn(self.env.ref("account.email_template_edi_invoice"), templates)
        self.assertIn(self.env.ref("sale.email_template_edi_sale"), templates)
        records = {
            "account.move": self.invoice,
            "sale.order": self.order,
            "res.partner": self.customer,
        }
        rendered = 0
        for template in templates:
            record = records[template.model]
            for fname in ("subject", "body_html"):
                text = template._render_field(fname, record.ids)[record.id] or ""
                self.assertEqual(self._leaks(text, values, labels), [], (template.name, fname))
                rendered += 1
        reports = self.env["ir.actions.report"].search(
            [("model", "in", ("account.move", "sale.order")), ("report_type", "=", "qweb-pdf")]
        )
        # Original Bills prints the PDF attached to a vendor bill: none on a customer invoice.
        reports -= self.env.ref("account.action_account_original_vendor_bill")
        self.assertIn(self.env.ref("account.account_invoices"), reports)
        Report = self.env["ir.actions.report"]
        for report in reports:
            record = records[report.model]
            html, _kind = Report._render_qweb_html(report.report_name, record.ids)
            self.assertIn(record.name, html.decode(), report.name)
            self.assertEqual(self._leaks(html, values, labels), [], report.name)
        # The check catches them where they are printed: the account plan shows the SWOT
        # and the plan's name, and the check finds them.
        html, _kind = Report._render_qweb_html(
            "key_account_mgmt.report_kam_account_plan", self.plan.ids
        )
        found = self._leaks(html, values, labels)
        self.assertIn(SWOT_TEXT, found)
        self.assertIn(PLAN_NAME, found)
        _logger.info("Portal documents: %s template fields, %s documents", rendered, len(reports))
