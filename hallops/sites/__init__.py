"""Several sites and the public service map (政务服务地图): where a matter can be done now, and how long it takes."""
