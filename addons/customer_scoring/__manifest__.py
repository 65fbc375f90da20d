{
    "name": "Customer Scoring",
    "summary": "Customer value, ABC by value, composite score, lifetime value and "
    "monthly KPIs computed from posted invoices",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "KAM Add-ons Team",
    "website": "https://example.com/kam-addons",
    "depends": ["key_account_mgmt", "sale_management", "account"],
    "data": [
        "security/customer_scoring_security.xml",
    ],
    "installable": True,
    "application": False,
}
