"""Pictures drawn by code: the brand mark and its icons, product mockups and the
campaign illustration. Flat shapes, drawn at twice the size and downsampled."""
