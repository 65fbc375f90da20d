"""Product catalogue of the demo wholesaler: categories, products, EUR list prices.

Generic trade descriptions only (no brands). Prices are typical per-unit prices; the
plan derives costs from them with a 15-40 % margin.
"""

CATALOG = {
    "Lumber": [
        ("Sawn pine 48x98 mm, per m", 2.10, "consu"),
        ("Planed spruce 22x100 mm, per m", 1.45, "consu"),
        ("Pressure-treated pine 48x148 mm, per m", 4.20, "consu"),
        ("Birch plywood 18 mm 1220x2440", 64.00, "consu"),
        ("OSB board 12 mm 1200x2500", 21.50, "consu"),
        ("Glulam beam 90x225 mm, per m", 24.90, "consu"),
        ("Decking board 28x120 mm, per m", 3.60, "consu"),
    ],
    "Insulation": [
        ("Mineral wool slab 100 mm, pack 4.3 m2", 27.90, "consu"),
        ("Mineral wool slab 50 mm, pack 7.2 m2", 24.50, "consu"),
        ("EPS board 100 mm, pack 3 m2", 19.80, "consu"),
        ("PIR board 120 mm 1200x2400", 48.00, "consu"),
        ("Vapour barrier foil 0.2 mm, roll 50 m2", 39.00, "consu"),
        ("Blowing wool, bag 15 kg", 16.40, "consu"),
    ],
    "Fasteners": [
        ("Wood screw 4.5x50, box 250", 9.90, "consu"),
        ("Terrace screw A4 4.8x60, box 200", 29.50, "consu"),
        ("Nail gun nails 2.8x75, box 2000", 38.00, "consu"),
        ("Concrete anchor M10x100, box 25", 22.00, "consu"),
        ("Joist hanger 48x150, pack 10", 18.50, "consu"),
        ("Drywall screw 3.9x35, box 1000", 14.90, "consu"),
        ("Threaded rod M10 1 m", 2.40, "consu"),
    ],
    "Plumbing": [
        ("PEX pipe 16x2.2 mm, roll 100 m", 119.00, "consu"),
        ("Composite pipe 20 mm, roll 50 m", 98.00, "consu"),
        ("Floor drain, plastic", 54.00, "consu"),
        ("Shower mixer, thermostatic", 149.00, "consu"),
        ("Press fitting elbow 16 mm", 6.80, "consu"),
        ("Ball valve DN20", 14.50, "consu"),
        ("Drain pipe PP 110 mm 2 m", 12.40, "consu"),
        ("Water meter 1/2 inch", 42.00, "consu"),
    ],
    "Electrical": [
        ("Installation cable 3x1.5 S, drum 100 m", 79.00, "consu"),
        ("Installation cable 5x2.5 S, drum 50 m", 96.00, "consu"),
        ("Flush-mounted box, pack 25", 17.50, "consu"),
        ("Wall socket, double, earthed", 8.90, "consu"),
        ("LED downlight 8 W", 12.90, "consu"),
        ("Residual-current breaker 40 A", 39.50, "consu"),
        ("Cable conduit 20 mm, roll 50 m", 21.00, "consu"),
    ],
    "Paint": [
        ("Interior wall paint, matt 9 l", 79.00, "consu"),
        ("Ceiling paint, deep matt 9 l", 69.00, "consu"),
        ("Exterior wood paint 9 l", 109.00, "consu"),
        ("Primer for wood 2.7 l", 29.00, "consu"),
        ("Filler, lightweight 10 l", 24.50, "consu"),
        ("Masking tape 50 mm x 50 m", 5.90, "consu"),
    ],
    "Tools": [
        ("Cordless drill 18 V, two batteries", 219.00, "consu"),
        ("Circular saw 190 mm", 189.00, "consu"),
        ("Spirit level 120 cm", 39.00, "consu"),
        ("Hammer 600 g", 24.90, "consu"),
        ("Utility knife, pack 10 blades", 9.50, "consu"),
        ("Tool rental, per day", 35.00, "service"),
        ("Site delivery, crane truck", 145.00, "service"),
    ],
    "Roofing": [
        ("Steel roof sheet, per m2", 13.90, "consu"),
        ("Bitumen roofing felt, roll 10 m2", 59.00, "consu"),
        ("Roof underlay membrane, roll 75 m2", 129.00, "consu"),
        ("Ridge cap, steel 2 m", 18.50, "consu"),
        ("Gutter 125 mm, 4 m", 27.00, "consu"),
        ("Roof safety ladder", 249.00, "consu"),
    ],
}
