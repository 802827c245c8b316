"""Reports (统计报表): a hall's day, week or month by hall, zone, matter, window or staff."""
