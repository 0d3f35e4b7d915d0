# federation/module.mk — vanlab (and later vanplan, peering files).
