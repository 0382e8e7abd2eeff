"""Jobs run unattended: build the processed tables, render one brief in a kernel, render every unit."""
