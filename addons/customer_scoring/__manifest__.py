{
    "name": "Customer Scoring",
    "summary": "Customer value, ABC by value, composite score, lifetime value and "
    "monthly KPIs computed from posted invoices",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "KAM Add-ons Team",
    "website": "https://example.com/kam-addons",
    "depends": ["key_account_mgmt", "sale_management", "account"],
    "data": [
        "security/customer_scoring_security.xml",
        "security/ir.model.access.csv",
        "data/customer_scoring_data.xml",
        "data/ir_cron_data.xml",
        "views/customer_score_views.xml",
        "views/customer_kpi_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/customer_scoring_menus.xml",
        "report/kam_account_plan_report.xml",
    ],
    "assets": {
        "web.assets_tests": ["customer_scoring/static/tests/tours/**/*"],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
