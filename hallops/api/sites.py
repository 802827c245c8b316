"""/sites/: every service site of the deployment, and where a matter can be done now (public)."""

from ninja import Query, Router, Schema

from hallops.sites.figures import all_sites, sites_for

router = Router(tags=["sites"])


class SitesQuery(Schema):
    service: str | None = None  # a matter's code: only the sites that handle it, best first
    district: str | None = None  # six digits: only that district's sites


@router.get("/", response=list[dict], auth=None, summary="Service sites with live waiting (public; 同区通办)")
def list_sites(request, q: Query[SitesQuery]):
    if q.service:
        return sites_for(q.service, district=q.district)
    return all_sites()
