from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import KamCase


@tagged("post_install", "-at_install")
class TestAccountAnalysis(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.candidate = cls._customer("Ehdokas Oy", user_id=cls.salesperson.id)
        cls.key = cls._customer(
            "Avain Oy",
            user_id=cls.salesperson.id,
            is_key_account=True,
            key_account_manager_id=cls.salesperson2.id,
        )
        cls.other = cls._customer("Vieras Oy", user_id=cls.salesperson2.id)
        cls.Analysis = cls.env["kam.account.analysis"]

    @contextmanager
    def _refused(self, exception, pattern):
        """assertRaises (rolled back to a savepoint) and the message matches ``pattern``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _analysis(self, partner, user=None, **vals):
        Analysis = self.Analysis.with_user(user) if user else self.Analysis
        return Analysis.create({"partner_id": partner.id, **vals})

    # --- criteria --------------------------------------------------------------------
    def test_overall_rating_is_the_mean_of_rated_criteria(self):
        analysis = self._analysis(
            self.candidate,
            relationship_rating=4,
            image_rating=3,
            solvency_rating=5,
            growth_rating=2,
            reference_rating=1,
        )
        # (4 + 3 + 5 + 2 + 1) / 5 = 3.0; the four 0 = not rated are left out.
        self.assertEqual(analysis.rated_count, 5)
        self.assertEqual(analysis.overall_rating, 3.0)
        analysis.learning_rating = 5
        # (15 + 5) / 6 = 3.33
        self.assertEqual(analysis.overall_rating, 3.33)
        self.assertEqual(self._analysis(self.candidate).overall_rating, 0.0)

    def test_status_at_the_time_and_proposed_kam(self):
        candidate = self._analysis(self.candidate)
        key = self._analysis(self.key)
        self.assertFalse(candidate.was_key_account)
        self.assertTrue(key.was_key_account)
        # The KAM proposed: the key account's KAM, else the salesperson.
        self.assertEqual(key.key_account_manager_id, self.salesperson2)
        self.assertEqual(candidate.key_account_manager_id, self.salesperson)
        self.assertEqual(candidate.state, "draft")

    def test_ratings_out_of_range_refused(self):
        with self._refused(ValidationError, "Growth Potential.*not 6"):
            self._analysis(self.candidate, growth_rating=6)
        analysis = self._analysis(self.candidate, solvency_rating=2)
        with self._refused(ValidationError, "Solvency.*not -1"):
            analysis.solvency_rating = -1
        self.assertEqual(self.Analysis.search_count([("growth_rating", "=", 6)]), 0)

    def test_contact_is_not_analysed(self):
        contact = self.env["res.partner"].create(
            {"name": "Erkki Ehdokas", "parent_id": self.candidate.id}
        )
        with self._refused(ValidationError, "Ehdokas Oy"):
            self._analysis(contact)

    # --- competitors -----------------------------------------------------------------
    def test_shares_over_100_refused_nothing_written(self):
        analysis = self._analysis(
            self.candidate,
            our_position="one_of_several",
            our_share=30,
            competitor_ids=[
                Command.create({"name": "Kilpailija A", "share": 50, "strengths": "Price"})
            ],
        )
        self.assertEqual(analysis.competitor_share_total, 50)
        with self._refused(ValidationError, r"110.0 %.*ours 30.0 %.*Kilpailija B 30"):
            analysis.write(
                {"competitor_ids": [Command.create({"name": "Kilpailija B", "share": 30})]}
            )
        with self._refused(ValidationError, "add up to 105"):
            self.env["kam.account.analysis.competitor"].create(
                {"analysis_id": analysis.id, "name": "Kilpailija C", "share": 25}
            )
        with self._refused(ValidationError, "not 120"):
            analysis.our_share = 120
        analysis.invalidate_recordset()
        self.assertEqual(analysis.competitor_ids.mapped("name"), ["Kilpailija A"])
        self.assertEqual(analysis.our_share, 30)

    def test_competitor_share_out_of_range(self):
        with self._refused(ValidationError, "Kilpailija.*not -5"):
            self._analysis(
                self.candidate, competitor_ids=[Command.create({"name": "Kilpailija", "share": -5})]
            )

    # --- decision --------------------------------------------------------------------
    def test_promote_by_manager(self):
        analysis = self._analysis(
            self.candidate, user=self.salesperson, decision_reason="Big project base"
        )
        analysis.with_user(self.manager).write({"key_account_manager_id": self.salesperson2.id})
        analysis.with_user(self.manager).action_promote()
        self.assertTrue(self.candidate.is_key_account)
        self.assertEqual(self.candidate.key_account_manager_id, self.salesperson2)
        self.assertEqual(
            (analysis.state, analysis.decision, analysis.decided_by_id),
            ("decided", "promote", self.manager),
        )
        self.assertTrue(analysis.decision_date)
        history = self.candidate.kam_key_account_history_ids
        self.assertEqual(history.event, "selected")
        self.assertEqual(history.analysis_id, analysis)
        self.assertEqual(history.user_id, self.manager)
        self.assertEqual(history.key_account_manager_id, self.salesperson2)
        self.assertIn("Key-account analysis of", history.reason)
        self.assertIn("Big project base", history.reason)
        self.assertEqual(analysis.history_ids, history)
        # The partner form shows the analysis and its decision.
        self.assertEqual(self.candidate.kam_analysis_count, 1)
        self.assertEqual(self.candidate.kam_analysis_decision, "promote")

    def test_promote_without_kam_refused(self):
        partner = self._customer("Tyhjä Oy")
        analysis = self._analysis(partner)
        self.assertFalse(analysis.key_account_manager_id)
        with self._refused(UserError, "Choose the key account manager"):
            analysis.with_user(self.manager).action_promote()
        self.assertFalse(partner.is_key_account)
        self.assertEqual(analysis.state, "draft")
        self.assertFalse(partner.kam_key_account_history_ids)

    def test_salesperson_cannot_decide(self):
        analysis = self._analysis(self.candidate, user=self.salesperson, growth_rating=4)
        for action in ("action_promote", "action_stop"):
            with self._refused(UserError, "Only a key account manager"):
                getattr(analysis.with_user(self.salesperson), action)()
        self.assertFalse(self.candidate.is_key_account)
        self.assertEqual((analysis.state, analysis.decision), ("draft", False))
        self.assertFalse(self.candidate.kam_key_account_history_ids)

    def test_salesperson_fills_only_own_customers(self):
        own = self._analysis(self.candidate, user=self.salesperson, image_rating=3)
        own.with_user(self.salesperson).write({"complaints": "Late deliveries"})
        self.assertEqual(own.complaints, "Late deliveries")
        with self.assertRaises(AccessError):
            self._analysis(self.other, user=self.salesperson)
        theirs = self._analysis(self.other, user=self.salesperson2)
        # She reads the others' analyses but does not change them.
        self.assertEqual(theirs.with_user(self.salesperson).partner_id, self.other)
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesperson).write({"image_rating": 1})

    def test_stop_on_key_account(self):
        analysis = self._analysis(self.key, decision_reason="Margin too thin")
        analysis.with_user(self.manager).action_stop()
        self.assertFalse(self.key.is_key_account)
        # As the key-account review's removal: the KAM stays named on the customer.
        self.assertEqual(self.key.key_account_manager_id, self.salesperson2)
        self.assertEqual((analysis.state, analysis.decision), ("decided", "stop"))
        removed = self.key.kam_key_account_history_ids.filtered(lambda h: h.event == "removed")
        self.assertEqual(removed.analysis_id, analysis)
        self.assertIn("Margin too thin", removed.reason)
        self.assertIn("Stop developing the relationship", removed.reason)

    def test_stop_on_candidate_writes_no_history(self):
        analysis = self._analysis(self.candidate)
        analysis.with_user(self.manager).action_stop()
        self.assertEqual(analysis.decision, "stop")
        self.assertFalse(self.candidate.is_key_account)
        self.assertFalse(self.candidate.kam_key_account_history_ids)
        self.assertEqual(self.candidate.kam_analysis_decision, "stop")

    def test_decided_analysis_is_read_only(self):
        analysis = self._analysis(
            self.candidate,
            competitor_ids=[Command.create({"name": "Kilpailija A", "share": 40})],
        )
        analysis.with_user(self.manager).action_stop()
        with self._refused(UserError, "decided"):
            analysis.with_user(self.manager).write({"growth_rating": 5})
        with self._refused(UserError, "decided"):
            analysis.competitor_ids.write({"share": 10})
        with self._refused(UserError, "decided"):
            self.env["kam.account.analysis.competitor"].create(
                {"analysis_id": analysis.id, "name": "Kilpailija B"}
            )
        with self._refused(UserError, "decided"):
            analysis.with_user(self.manager).action_promote()
        with self._refused(UserError, "decided"):
            analysis.unlink()
        self.assertEqual(analysis.growth_rating, 0)
        self.assertEqual(analysis.competitor_ids.share, 40)
        # The chatter stays open.
        analysis.message_post(body="Checked with the director")

    def test_archived_partner(self):
        partner = self._customer("Arkisto Oy", user_id=self.salesperson.id)
        analysis = self._analysis(partner)
        partner.action_archive()
        with self._refused(UserError, "archived"):
            analysis.with_user(self.manager).action_promote()
        self.assertFalse(partner.is_key_account)
        self.assertEqual(analysis.state, "draft")
        # Stopping an archived customer is fine, and its analyses stay countable.
        analysis.with_user(self.manager).action_stop()
        self.assertEqual(partner.kam_analysis_count, 1)

    def test_second_company_isolated(self):
        analysis = self._analysis(self.candidate, user=self.manager, company_id=self.company2.id)
        # salesperson2 works in the first company only.
        Analysis = self.Analysis.with_user(self.salesperson2)
        self.assertFalse(Analysis.search([("id", "=", analysis.id)]))
        with self.assertRaises(AccessError):
            analysis.with_user(self.salesperson2).read(["partner_id"])
        # The partner form counts the analyses of the current company only.
        self.assertEqual(self.candidate.with_company(self.company).kam_analysis_count, 0)
        self.assertEqual(self.candidate.with_company(self.company2).kam_analysis_count, 1)
        # A customer of the second company cannot be analysed in the first.
        local = self._customer("Svensk AB", company_id=self.company2.id)
        with self.assertRaises(UserError):
            self._analysis(local, company_id=self.company.id)

    def test_form_and_smart_button(self):
        form = Form(self.Analysis.with_user(self.salesperson))
        form.partner_id = self.candidate
        form.relationship_rating = 4
        form.growth_rating = 2
        analysis = form.save()
        self.assertEqual(analysis.overall_rating, 3.0)
        self.assertEqual(analysis.user_id, self.salesperson)
        action = self.candidate.with_user(self.salesperson).action_kam_open_analyses()
        self.assertEqual(self.Analysis.search(action["domain"]), analysis)
        self.assertEqual(action["context"]["default_partner_id"], self.candidate.id)

    def test_portal_sees_no_analysis(self):
        analysis = self._analysis(self.candidate, growth_rating=4)
        with self.assertRaises(AccessError):
            self.Analysis.with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            analysis.with_user(self.portal_user).read(["overall_rating"])
        with self.assertRaises(AccessError):
            self.env["kam.account.analysis.competitor"].with_user(self.portal_user).search([])
