cim_tile.v
