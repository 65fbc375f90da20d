"""The set-based helpers of partial runs: the company-wide figures in one pass, the
currencies of customers' turnovers from an index, the contacts of commercial partners
by index probes. Each one against the plain query it stands for."""

from odoo.tools import SQL

from ..models.customer_score_ranks import TURNOVER_CURRENCY_INDEX, turnover_currency_ids
from ..models.score_rules import (
    GROWTH_BASE_PERCENTILE,
    SIZE_PERCENTILE,
    company_benchmarks,
    company_figures,
)
from ..tools.revenue_lines import contacts_sql
from .common import AS_OF, ScoringCommon


def _percentile(values, fraction):
    """percentile_cont: linear interpolation between the closest ranks."""
    values = sorted(values)
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


class TestCompanyFigures(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_main_invoices()
        cls.Score = cls.env["customer.score"]

    def test_one_pass_equals_the_rows(self):
        self.Score.compute_scores(companies=self.company, date=AS_OF)
        rows = self.Score.search([("company_id", "=", self.company.id)])
        revenues = [float(r.revenue_12m) for r in rows]
        buyers = [value for value in revenues if value > 0]
        self.assertGreaterEqual(len(buyers), 2, "the data has buyers to rank")
        self.assertLess(len(buyers), len(rows), "and rows without revenue")
        figures = company_figures(self.env.cr, self.company, SQL("customer_score"))
        self.assertAlmostEqual(float(figures["total"]), sum(revenues), places=2)
        self.assertEqual(figures["buyers"], len(buyers))
        self.assertAlmostEqual(float(figures["buyers_revenue"]), sum(buyers), places=2)
        self.assertAlmostEqual(
            figures["median"], _percentile(buyers, GROWTH_BASE_PERCENTILE), places=4
        )
        self.assertAlmostEqual(figures["top"], _percentile(buyers, SIZE_PERCENTILE), places=4)
        self.assertEqual(
            company_benchmarks(self.env.cr, self.company, SQL("customer_score")),
            (figures["median"], figures["top"]),
        )

    def test_no_rows_gives_zeros(self):
        other = self.env["res.company"].create({"name": "Empty Figures Oy"})
        figures = company_figures(self.env.cr, other, SQL("customer_score"))
        self.assertEqual(
            figures, {"total": 0, "buyers": 0, "buyers_revenue": 0, "median": 0.0, "top": 0.0}
        )

    def test_company_keys_index(self):
        """The index partial runs read every row of a company from (no table pages)."""
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_score_company_keys_idx'"
        )
        [(definition,)] = self.env.cr.fetchall()
        self.assertIn("(company_id) INCLUDE (partner_id, revenue_12m", definition)

    def test_turnover_currencies(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        Partner = self.env["res.partner"]
        Partner.create(
            [
                {
                    "name": "Turnover SEK",
                    "customer_turnover": 5e6,
                    "kam_turnover_currency_id": self.sek.id,
                },
                {
                    "name": "Turnover USD zero",
                    "customer_turnover": 0,
                    "kam_turnover_currency_id": usd.id,
                },
            ]
        )
        self.env.flush_all()

        def plain():
            self.env.cr.execute(
                """SELECT DISTINCT kam_turnover_currency_id FROM res_partner
                    WHERE customer_turnover <> 0 AND kam_turnover_currency_id IS NOT NULL"""
            )
            return sorted(row[0] for row in self.env.cr.fetchall())

        found = turnover_currency_ids(self.env.cr)
        self.assertEqual(found, plain())
        self.assertIn(self.sek.id, found)
        self.assertNotIn(usd.id, found, "a turnover of 0 is not entered in a currency")
        Partner.create(
            {"name": "Turnover USD", "customer_turnover": 1e5, "kam_turnover_currency_id": usd.id}
        )
        self.env.flush_all()
        self.assertIn(usd.id, turnover_currency_ids(self.env.cr))
        self.assertEqual(turnover_currency_ids(self.env.cr), plain())
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = %s", [TURNOVER_CURRENCY_INDEX]
        )
        self.assertTrue(self.env.cr.fetchone(), "the index the probes read")

    def test_contacts_of_commercial_partners(self):
        def contacts(ids):
            self.env.cr.execute(SQL("SELECT %s", contacts_sql(ids)))
            return sorted(self.env.cr.fetchone()[0])

        self.assertEqual(contacts([self.alpha.id]), sorted((self.alpha | self.alpha_contact).ids))
        self.assertEqual(
            contacts([self.alpha.id, self.beta.id]),
            sorted((self.alpha | self.alpha_contact | self.beta).ids),
        )
        self.assertEqual(contacts([]), [])
        # A contact given as if it were a commercial partner has no contacts of its own.
        self.assertEqual(contacts([self.alpha_contact.id]), [])
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s) ORDER BY id",
            [[self.alpha.id, self.beta.id, self.gamma.id]],
        )
        plain = [row[0] for row in self.env.cr.fetchall()]
        self.assertEqual(len(plain), 4)
        self.assertEqual(contacts([self.alpha.id, self.beta.id, self.gamma.id]), plain)
