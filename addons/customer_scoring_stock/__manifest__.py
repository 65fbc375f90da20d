{
    "name": "Customer Scoring: On-time Delivery",
    "summary": "On-time delivery % per customer, salesperson and team in the monthly KPIs "
    "and their targets, from done delivery orders",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "KAM Add-ons Team",
    "website": "https://example.com/kam-addons",
    "depends": ["customer_scoring", "stock"],
    "data": ["views/customer_kpi_views.xml"],
    "auto_install": True,
    "installable": True,
    "application": False,
}
