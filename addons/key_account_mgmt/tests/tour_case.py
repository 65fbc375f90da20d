"""Base class of the browser tours (headless Chromium, Odoo's own test runner).

The tours run with ``odoo --test-tags kam_tour`` (see scripts/test.sh): pytest-odoo does
not start Odoo's HTTP server, so the tour files (``test_tour_*.py``) are left out of
pytest's collection. Odoo skips a tour when Chromium or websocket-client is missing; here
that is a failure, so a machine without a browser cannot pass the journeys unseen.
"""

import unittest

from odoo.tests import HttpCase, tagged

TOUR_TAG = "kam_tour"


@tagged("post_install", "-at_install", TOUR_TAG)
class KamTourCase(HttpCase):
    """A tour that must run: a missing browser fails the test instead of skipping it."""

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        try:
            return super().start_tour(url_path, tour_name, step_delay=step_delay, **kwargs)
        except unittest.SkipTest as skipped:
            self.fail(f"Tour {tour_name} could not run in a browser: {skipped}")
