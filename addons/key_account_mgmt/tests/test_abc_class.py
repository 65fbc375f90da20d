from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import KamCase


@tagged("post_install", "-at_install")
class TestCriteriaRule(KamCase):
    """The criteria rule with the default thresholds:
    A: turnover > 20 M, installers > 50, purchases > 200 k;
    B: turnover > 10 M, installers > 20, purchases > 100 k; else C."""

    def _classify(self, turnover, installers, purchases, company=None):
        partner = self._customer("Rakennus Oy", turnover=turnover, installers=installers)
        if purchases is not None:
            self._set_purchases(partner, purchases, company)
        self._recompute(partner, company)
        return partner

    def test_class_a_two_of_three(self):
        # turnover and installers hold for A, purchases (150 k) only for B.
        partner = self._classify(25_000_000, 60, 150_000)
        self.assertEqual(partner.abc_class_computed, "A")
        self.assertEqual(partner.abc_class, "A")

    def test_class_b_two_of_three(self):
        # 15 M and 30 installers hold for B only; purchases 50 k hold for nothing.
        partner = self._classify(15_000_000, 30, 50_000)
        self.assertEqual(partner.abc_class, "B")

    def test_class_b_when_a_has_one_criterion(self):
        # Big company (A turnover) but B-level installers and purchases: B.
        partner = self._classify(30_000_000, 25, 120_000)
        self.assertEqual(partner.abc_class, "B")

    def test_class_c(self):
        partner = self._classify(5_000_000, 10, 50_000)
        self.assertEqual(partner.abc_class, "C")

    def test_one_of_three_is_not_enough(self):
        partner = self._classify(25_000_000, 5, 0)
        self.assertEqual(partner.abc_class, "C")

    def test_strict_bounds(self):
        # Exactly at the thresholds nothing holds: 20 M / 50 / 200 k is B, not A
        # (all three are above the B thresholds), and 10 M / 20 / 100 k is C.
        at_a = self._classify(20_000_000, 50, 200_000)
        self.assertEqual(at_a.abc_class, "B")
        at_b = self._classify(10_000_000, 20, 100_000)
        self.assertEqual(at_b.abc_class, "C")
        just_above = self._classify(20_000_001, 51, 0)
        self.assertEqual(just_above.abc_class, "A")

    def test_missing_data_does_not_hold(self):
        # No turnover, no installers entered: only purchases hold, so C.
        partner = self._classify(0, 0, 250_000)
        self.assertEqual(partner.abc_class, "C")
        self.assertIn("turnover missing", partner.abc_class_reason)
        self.assertIn("installers missing", partner.abc_class_reason)
        # Without customer_scoring data, purchases are missing too.
        nothing = self._classify(25_000_000, 60, None)
        self.assertEqual(nothing.abc_class, "A")
        self.assertIn("yearly purchases missing", nothing.abc_class_reason)

    def test_all_three_mode(self):
        self.company.kam_class_rule_mode = "all_three"
        two_of_a = self._classify(25_000_000, 60, 150_000)
        # A has only 2 of 3; B has all 3 (25 M > 10 M, 60 > 20, 150 k > 100 k).
        self.assertEqual(two_of_a.abc_class, "B")
        all_a = self._classify(25_000_000, 60, 250_000)
        self.assertEqual(all_a.abc_class, "A")
        two_of_b = self._classify(15_000_000, 30, 50_000)
        self.assertEqual(two_of_b.abc_class, "C")

    def test_reason_in_words(self):
        partner = self._classify(15_000_000, 30, 50_000)
        reason = partner.abc_class_reason
        self.assertTrue(reason.startswith("Computed class B"), reason)
        self.assertIn("Class A:", reason)
        self.assertIn("installers 30 not above 50: not held", reason)
        self.assertIn("installers 30 > 20: held", reason)
        self.assertIn("2 of 3 hold, 2 needed", reason)
        self.assertIn("Computed class B", partner.abc_class_explanation)

    def test_reason_follows_the_rule_until_recomputed(self):
        """The reason is built when shown: after a threshold change it says the rule now
        gives another class; the recompute writes that class with the rule's reason in
        the history row, and a salesperson reads the same reason."""
        partner = self._classify(15_000_000, 30, 50_000)
        self.assertEqual(partner.abc_class_computed, "B")
        self.assertNotIn("The rule now gives", partner.abc_class_reason)
        self.company.kam_b_min_installers = 40
        partner.invalidate_recordset()
        self.assertEqual(partner.abc_class_computed, "B")
        self.assertIn("The rule now gives class C", partner.abc_class_reason)
        self._recompute(partner)
        self.assertEqual(partner.abc_class_computed, "C")
        reason = partner.abc_class_reason
        self.assertTrue(reason.startswith("Computed class C"), reason)
        self.assertNotIn("The rule now gives", reason)
        last = partner.abc_class_history_ids.sorted("id")[-1]
        self.assertEqual((last.old_class, last.new_class, last.source), ("B", "C", "computed"))
        self.assertEqual(last.reason, reason)
        as_sales = partner.with_user(self.salesperson)
        self.assertEqual(as_sales.abc_class_reason, reason)

    def test_both_companies_in_one_recompute(self):
        """One recompute for two companies writes each company's class (one UPDATE per
        partner) and keeps a class set by hand in the other company."""
        self.company2.write({"kam_a_min_turnover": 50_000_000, "kam_a_min_installers": 100})
        partner = self._customer("Molemmat Oy", turnover=25_000_000, installers=60)
        partner.with_company(self.company2).sudo().with_context(
            kam_class_sync=True
        ).abc_class_manual = "A"
        self._set_purchases(partner, 300_000, self.company)
        self.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=self.company | self.company2, partners=partner
        )
        partner.invalidate_recordset()
        self.assertEqual(self._class_in(partner, self.company), "A")
        in_2 = partner.with_company(self.company2)
        self.assertEqual(in_2.abc_class_computed, "B")
        self.assertEqual(in_2.abc_class_manual, "A")
        self.assertEqual(in_2.abc_class, "A")
        # Created with its turnover: classified at once (A here, B there); the recompute
        # after the manual A there logs B -> A there and nothing new here.
        history = self.env["kam.abc.class.history"].search([("partner_id", "=", partner.id)])
        self.assertEqual(
            sorted((h.company_id.id, h.old_class or "", h.new_class) for h in history),
            sorted(
                [
                    (self.company.id, "", "A"),
                    (self.company2.id, "", "B"),
                    (self.company2.id, "B", "A"),
                ]
            ),
        )
        self.assertTrue(all(h.reason for h in history))

    def test_per_company_class(self):
        """A shared partner is A in one company and C in the other."""
        self.company2.write(
            {
                "kam_a_min_turnover": 50_000_000,
                "kam_a_min_installers": 100,
                "kam_b_min_turnover": 40_000_000,
                "kam_b_min_installers": 80,
            }
        )
        partner = self._customer("Yhteinen Oy", turnover=25_000_000, installers=60)
        self._set_purchases(partner, 300_000, self.company)
        self._recompute(partner, self.company)
        self._recompute(partner, self.company2)
        self.assertEqual(self._class_in(partner, self.company), "A")
        self.assertEqual(self._class_in(partner, self.company2), "C")
        history = self.env["kam.abc.class.history"].search([("partner_id", "=", partner.id)])
        self.assertEqual(
            sorted((h.company_id.id, h.new_class) for h in history),
            sorted([(self.company.id, "A"), (self.company2.id, "C")]),
        )

    def test_turnover_in_other_currency(self):
        sek = self.env.ref("base.SEK")
        sek.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": sek.id,
                "name": "2000-01-01",
                "rate": 10.0,
                "company_id": self.company.id,
            }
        )
        # 150 M SEK at 10 SEK per EUR = 15 M EUR: B turnover, not A.
        partner = self._customer(
            "Svensk AB", turnover=150_000_000, installers=30, kam_turnover_currency_id=sek.id
        )
        self._recompute(partner)
        self.assertEqual(partner.abc_class, "B")

    def test_changing_turnover_recomputes(self):
        partner = self._classify(5_000_000, 30, 0)
        self.assertEqual(partner.abc_class, "C")
        partner.customer_turnover = 12_000_000
        partner.invalidate_recordset()
        self.assertEqual(partner.abc_class, "B")

    def test_history_row_on_change(self):
        partner = self._classify(15_000_000, 30, 0)
        partner.customer_turnover = 25_000_000
        partner.installer_count = 60
        partner.invalidate_recordset()
        self.assertEqual(partner.abc_class, "A")
        history = partner.abc_class_history_ids.filtered(lambda h: h.company_id == self.company)
        last = history.sorted("id")[-1]
        self.assertEqual((last.old_class, last.new_class, last.source), ("B", "A", "computed"))
        self.assertEqual(last.company_id, self.company)
        self.assertTrue(last.is_upgrade)
        self.assertIn("Computed class A", last.reason)

    def test_recompute_is_idempotent(self):
        partner = self._classify(15_000_000, 30, 0)
        count = len(partner.abc_class_history_ids)
        changed = self.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=self.company, partners=partner
        )
        self.assertEqual(changed, 0)
        self.assertEqual(len(partner.abc_class_history_ids), count)

    def test_cron_works_in_chunks_and_resumes(self):
        Partner = self.env["res.partner"]
        domain1 = self.env["kam.class.engine"]._kam_classifiable_domain(self.company)
        domain2 = self.env["kam.class.engine"]._kam_classifiable_domain(self.company2)
        self.env["ir.config_parameter"].sudo().set_param(
            "key_account_mgmt.class_recompute_cursor", "0:0"
        )
        new = Partner.with_context(kam_skip_class_recompute=True).create(
            [
                {
                    "name": f"Erä {i}",
                    "is_company": True,
                    "customer_turnover": 25_000_000,
                    "installer_count": 60,
                }
                for i in range(3)
            ]
        )
        total = Partner.search_count(domain1) + Partner.search_count(domain2)
        calls = []
        while True:
            calls.append(Partner._cron_kam_recompute_abc_classes(chunk=2))
            cursor = (
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("key_account_mgmt.class_recompute_cursor")
            )
            if cursor == "0:0" or len(calls) > total:
                break
        self.assertEqual(sum(calls), total)
        self.assertTrue(all(done <= 2 for done in calls))
        self.assertEqual(len(calls), -(-total // 2) + (1 if total % 2 == 0 else 0))
        new.invalidate_recordset()
        self.assertEqual(set(new.mapped("abc_class")), {"A"})
        self.assertEqual(set(new.with_company(self.company2).mapped("abc_class")), {"A"})

    def test_recompute_all_customers_skips_contacts(self):
        partner = self._customer("Kaikki Oy", turnover=25_000_000, installers=60)
        contact = self._contact(partner, "Liisa", "procurement")
        self.env["kam.class.engine"]._kam_recompute_abc_classes(company=self.company)
        self.assertEqual(partner.abc_class, "A")
        self.assertFalse(contact.abc_class)


@tagged("post_install", "-at_install")
class TestManualOverride(KamCase):
    def test_manual_class_wins(self):
        partner = self._customer("Ohitus Oy", turnover=5_000_000)
        self._recompute(partner)
        self.assertEqual(partner.abc_class, "C")
        partner.with_user(self.manager).abc_class_manual = "A"
        self.assertEqual((partner.abc_class, partner.abc_class_computed), ("A", "C"))
        # Recomputing keeps the override, even when the computed class moves.
        partner.write({"customer_turnover": 15_000_000, "installer_count": 30})
        partner.invalidate_recordset()
        self.assertEqual((partner.abc_class, partner.abc_class_computed), ("A", "B"))
        # Removing the override gives the computed class back.
        partner.with_user(self.manager).action_kam_clear_manual_class()
        partner.invalidate_recordset()
        self.assertEqual(partner.abc_class, "B")
        history = partner.abc_class_history_ids.filtered(lambda h: h.company_id == self.company)
        sources = history.sorted("id").mapped("source")
        self.assertEqual(sources, ["computed", "manual", "manual"])

    def test_manual_class_only_in_its_company(self):
        partner = self._customer("Kaksi Oy")
        self._recompute(partner, self.company)
        self._recompute(partner, self.company2)
        partner.with_user(self.manager).with_company(self.company2).abc_class_manual = "B"
        self.assertEqual(self._class_in(partner, self.company2), "B")
        self.assertEqual(self._class_in(partner, self.company), "C")

    def test_salesperson_cannot_override(self):
        partner = self._customer("Myyjä Oy")
        self._recompute(partner)
        with self.assertRaises(AccessError):
            partner.with_user(self.salesperson).write({"abc_class_manual": "A"})
        with self.assertRaises(AccessError):
            partner.with_user(self.salesperson).write({"abc_class": "A"})
        partner.invalidate_recordset()
        self.assertEqual(partner.abc_class, "C")
        self.assertFalse(partner.abc_class_manual)

    def test_manual_change_in_chatter(self):
        partner = self._customer("Loki Oy")
        self._recompute(partner)
        partner.with_user(self.manager).with_context(
            kam_class_reason="Strategic reference"
        ).abc_class_manual = "A"
        bodies = " ".join(partner.message_ids.mapped("body"))
        self.assertIn("Maria Manager set the class", bodies)
        self.assertIn("C -&gt; A", bodies)
        self.assertIn("Strategic reference", bodies)

    def test_skip_recompute_context(self):
        partner = (
            self.env["res.partner"]
            .with_context(kam_skip_class_recompute=True)
            .create({"name": "Massa Oy", "is_company": True, "customer_turnover": 25_000_000})
        )
        self.assertFalse(partner.abc_class)

    def test_create_with_manual_class_and_data(self):
        partner = self._customer(
            "Luonti Oy", turnover=15_000_000, installers=30, abc_class_manual="A"
        )
        self.assertEqual((partner.abc_class, partner.abc_class_computed), ("A", "B"))
        history = partner.abc_class_history_ids.filtered(lambda h: h.company_id == self.company)
        self.assertEqual(
            [(h.old_class, h.new_class, h.source) for h in history], [(False, "A", "manual")]
        )

    def test_writing_final_class_is_override(self):
        partner = self._customer("Suora Oy")
        self._recompute(partner)
        partner.with_user(self.manager).write({"abc_class": "B"})
        self.assertEqual((partner.abc_class, partner.abc_class_manual), ("B", "B"))


@tagged("post_install", "-at_install")
class TestThresholdSettings(KamCase):
    def test_defaults_from_domain(self):
        company = self.env["res.company"].create({"name": "Uusi Oy"})
        self.assertEqual(
            (company.kam_a_min_turnover, company.kam_b_min_turnover),
            (20_000_000, 10_000_000),
        )
        self.assertEqual((company.kam_a_min_installers, company.kam_b_min_installers), (50, 20))
        self.assertEqual(
            (company.kam_a_min_purchases, company.kam_b_min_purchases), (200_000, 100_000)
        )
        self.assertEqual(company.kam_class_rule_mode, "two_of_three")

    def test_out_of_order_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.company.write({"kam_a_min_installers": 10})
        self.assertIn("below the class B threshold", str(caught.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.kam_a_min_installers, 50)

    def test_negative_refused(self):
        with self.assertRaises(ValidationError):
            self.company.write({"kam_b_min_purchases": -1})
        self.company.invalidate_recordset()
        self.assertEqual(self.company.kam_b_min_purchases, 100_000)

    def test_settings_page_saves_and_refuses(self):
        settings = Form(self.env["res.config.settings"])
        settings.kam_a_min_turnover = 30_000_000
        settings.kam_class_rule_mode = "all_three"
        settings.save().execute()
        self.assertEqual(self.company.kam_a_min_turnover, 30_000_000)
        self.assertEqual(self.company.kam_class_rule_mode, "all_three")
        bad = Form(self.env["res.config.settings"])
        bad.kam_a_min_purchases = 50_000
        with self.assertRaises(ValidationError):
            bad.save().execute()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.kam_a_min_purchases, 200_000)

    def test_bad_rating_refused(self):
        partner = self._customer("Arvio Oy")
        with self.assertRaises(ValidationError):
            partner.write({"kam_reference_value": 6})
        partner.invalidate_recordset()
        self.assertEqual(partner.kam_reference_value, 0)
        partner.write({"kam_reference_value": 5, "kam_relationship_type": "partner"})
        self.assertEqual(partner.kam_reference_value, 5)


@tagged("post_install", "-at_install")
class TestSetBasedRecompute(KamCase):
    """The recompute writes with SQL: same results as the ORM, only changed partners."""

    def test_many_partners_one_call(self):
        a = self._customer("Iso Oy", turnover=25_000_000, installers=60)
        b = self._customer("Keski Oy", turnover=15_000_000, installers=30)
        c = self._customer("Pieni Oy", turnover=1_000_000, installers=1)
        partners = a | b | c
        self._recompute(partners)
        self.assertEqual(partners.mapped("abc_class"), ["A", "B", "C"])
        self.assertEqual(partners.mapped("abc_class_computed"), ["A", "B", "C"])
        self.assertIn("Computed class A", a.abc_class_reason)
        messages = len(a.message_ids)
        # a falls to C (history row, no upgrade); b and c stay and get no new row.
        a.with_context(kam_skip_class_recompute=True).customer_turnover = 0
        changed = self.env["kam.class.engine"]._kam_recompute_abc_classes(
            company=self.company, partners=partners
        )
        self.assertEqual(changed, 1)
        self.assertEqual(partners.mapped("abc_class"), ["C", "B", "C"])
        rows = self.env["kam.abc.class.history"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(rows), 4)
        last = rows.filtered(lambda h: h.partner_id == a).sorted("id")[-1]
        self.assertEqual((last.old_class, last.new_class, last.source), ("A", "C", "computed"))
        self.assertFalse(last.is_upgrade)
        self.assertEqual(last.user_id, self.env.user)
        self.assertIn("Computed class C", last.reason)
        # History rows are the trail of computed changes: no chatter message.
        self.assertEqual(len(a.message_ids), messages)

    def test_other_company_value_kept(self):
        self.company2.write({"kam_a_min_turnover": 50_000_000, "kam_b_min_turnover": 40_000_000})
        partner = self._customer("Kaksi Oy", turnover=25_000_000, installers=60)
        self._recompute(partner, self.company2)
        self._recompute(partner, self.company)
        self.assertEqual(self._class_in(partner, self.company2), "C")
        self.assertEqual(self._class_in(partner, self.company), "A")
        self.env.cr.execute(
            "SELECT abc_class_computed FROM res_partner WHERE id = %s", [partner.id]
        )
        self.assertEqual(
            self.env.cr.fetchone()[0],
            {str(self.company.id): "A", str(self.company2.id): "C"},
        )

    def test_manual_class_no_history_when_final_stays(self):
        partner = self._customer("Käsin Oy", turnover=1_000_000)
        partner.with_user(self.manager).abc_class_manual = "A"
        count = len(partner.abc_class_history_ids)
        self._recompute(partner)
        partner.invalidate_recordset()
        self.assertEqual((partner.abc_class, partner.abc_class_computed), ("A", "C"))
        self.assertEqual(len(partner.abc_class_history_ids), count)
