{
    "name": "Key Account Management",
    "summary": "ABC class, key accounts, stakeholder groups, SWOT, meeting targets "
    "and account plans on customer companies",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "KAM Add-ons Team",
    "website": "https://example.com/kam-addons",
    "depends": ["contacts", "mail", "calendar", "sales_team"],
    "data": [
        "security/key_account_mgmt_security.xml",
        "security/ir.model.access.csv",
        "data/kam_stakeholder_group_data.xml",
        "views/res_partner_views.xml",
    ],
    "installable": True,
    "application": False,
}
