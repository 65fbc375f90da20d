{
    "name": "Customer Scoring: Job Queue",
    "summary": "Run the full customer scoring in parallel batch jobs of the OCA job queue",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "KAM Add-ons Team",
    "website": "https://example.com/kam-addons",
    "depends": ["customer_scoring", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
        "data/ir_config_parameter_data.xml",
        "views/customer_score_run_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["customer_scoring_queue/static/tests/tours/**/*"],
    },
    "uninstall_hook": "uninstall_hook",
    "auto_install": True,
    "installable": True,
    "application": False,
}
