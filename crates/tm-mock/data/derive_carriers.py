#!/usr/bin/env python3
"""Derives carriers.tsv from the two public carrier lists named in SOURCE.md.

Usage: derive_carriers.py TRACKINGMORE_MAP_JSON KLARNA_TABLE > carriers.tsv

TRACKINGMORE_MAP_JSON is TrackingMore's own `GET /v2/carriers` list (an object keyed by code);
KLARNA_TABLE is the `name | code` table, one `code|name` per line. Only names, codes, types,
countries, phones, homepages, Chinese names and logo paths are kept. The rules that fill in what a
list does not say (type, country) are below and in SOURCE.md.
"""
import json
import re
import sys

# Alpha-2 codes the simulator can route through (catalog::COUNTRIES); a country outside this set is
# still recorded, the simulator then starts routes in its default origin.
SUFFIX = {
    "uk": "GB", "gb": "GB", "de": "DE", "fr": "FR", "it": "IT", "es": "ES", "nl": "NL", "au": "AU",
    "nz": "NZ", "hk": "HK", "sg": "SG", "sgp": "SG", "my": "MY", "mys": "MY", "jp": "JP", "kr": "KR",
    "cn": "CN", "in": "IN", "us": "US", "usa": "US", "ca": "CA", "pl": "PL", "at": "AT", "ch": "CH",
    "za": "ZA", "br": "BR", "mx": "MX", "ru": "RU", "ua": "UA", "se": "SE", "sv": "SE", "no": "NO",
    "dk": "DK", "da": "DK", "fi": "FI", "ie": "IE", "pt": "PT", "gr": "GR", "hu": "HU", "ro": "RO",
    "tr": "TR", "il": "IL", "ae": "AE", "uae": "AE", "sa": "SA", "th": "TH", "thai": "TH", "id": "ID",
    "vn": "VN", "vnm": "VN", "ph": "PH", "be": "BE", "cz": "CZ", "tw": "TW", "ar": "AR", "cl": "CL",
    "co": "CO", "is": "IS", "lv": "LV", "lt": "LT", "ee": "EE", "sk": "SK", "si": "SI", "hr": "HR",
    "bg": "BG", "rs": "RS", "kz": "KZ", "by": "BY", "eg": "EG", "pk": "PK", "bd": "BD", "lk": "LK",
    "np": "NP", "kh": "KH", "mo": "MO", "pe": "PE", "ec": "EC", "uy": "UY", "ve": "VE", "cr": "CR",
    "ng": "NG", "ke": "KE", "ma": "MA", "tn": "TN", "qa": "QA", "kw": "KW", "om": "OM", "bh": "BH",
    "jo": "JO", "lb": "LB", "cy": "CY", "mt": "MT", "lu": "LU", "mk": "MK", "al": "AL", "ba": "BA",
    "md": "MD", "ge": "GE", "am": "AM", "az": "AZ", "uz": "UZ", "mn": "MN", "la": "LA", "mm": "MM",
}
# Country words in codes or names (lower case, matched as whole words).
WORDS = {
    "germany": "DE", "german": "DE", "deutsche": "DE", "deutsch": "DE", "france": "FR", "french": "FR",
    "italy": "IT", "italia": "IT", "italiane": "IT", "spain": "ES", "españa": "ES", "espana": "ES",
    "spanish": "ES", "netherlands": "NL", "nederland": "NL", "dutch": "NL", "australia": "AU",
    "australian": "AU", "japan": "JP", "korea": "KR", "korean": "KR", "china": "CN", "chinese": "CN",
    "india": "IN", "canada": "CA", "poland": "PL", "polska": "PL", "austria": "AT", "austrian": "AT",
    "österreichische": "AT", "swiss": "CH", "switzerland": "CH", "brazil": "BR", "brasil": "BR",
    "mexico": "MX", "russia": "RU", "russian": "RU", "ukraine": "UA", "sweden": "SE", "norway": "NO",
    "norge": "NO", "denmark": "DK", "danmark": "DK", "finland": "FI", "ireland": "IE", "irish": "IE",
    "portugal": "PT", "greece": "GR", "hellenic": "GR", "hungary": "HU", "magyar": "HU",
    "romania": "RO", "română": "RO", "romana": "RO", "turkey": "TR", "israel": "IL",
    "emirates": "AE", "dubai": "AE", "saudi": "SA", "thailand": "TH", "malaysia": "MY",
    "indonesia": "ID", "vietnam": "VN", "philippines": "PH", "singapore": "SG", "taiwan": "TW",
    "argentina": "AR", "argentino": "AR", "chile": "CL", "colombia": "CO", "belgium": "BE",
    "czech": "CZ", "česká": "CZ", "ceska": "CZ", "slovakia": "SK", "slovenská": "SK",
    "slovenia": "SI", "croatia": "HR", "hrvatska": "HR", "bulgaria": "BG", "bulgarian": "BG",
    "serbia": "RS", "srbije": "RS", "latvia": "LV", "latvijas": "LV", "lithuania": "LT",
    "lietuvos": "LT", "estonia": "EE", "estonian": "EE", "iceland": "IS", "luxembourg": "LU",
    "cyprus": "CY", "malta": "MT", "egypt": "EG", "pakistan": "PK", "bangladesh": "BD",
    "cambodia": "KH", "macao": "MO", "macau": "MO", "kazakhstan": "KZ", "peru": "PE",
    "uruguay": "UY", "ecuador": "EC", "nigeria": "NG", "nigerian": "NG", "kenya": "KE",
    "morocco": "MA", "qatar": "QA", "kuwait": "KW", "oman": "OM", "bahrain": "BH", "jordan": "JO",
    "lebanon": "LB", "usa": "US", "uk": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "lao": "LA", "laos": "LA", "belarus": "BY", "mongolia": "MN", "myanmar": "MM", "nepal": "NP",
    "afghan": "AF", "afghanistan": "AF", "åland": "AX", "andorra": "AD", "antilles": "CW",
    "armenia": "AM", "aruba": "AW", "azerbaijan": "AZ", "barbados": "BB", "belize": "BZ",
    "benin": "BJ", "bermuda": "BM", "bhutan": "BT", "bosnia": "BA", "botswana": "BW", "brunei": "BN",
    "burundi": "BI", "cameroon": "CM", "verde": "CV", "paraguay": "PY", "paraguayo": "PY",
    "bolivia": "BO", "panama": "PA", "cuba": "CU", "salvador": "SV", "guatemala": "GT",
    "eritrea": "ER", "ethiopia": "ET", "faroe": "FO", "fiji": "FJ", "georgia": "GE",
    "georgian": "GE", "ghana": "GH", "gibraltar": "GI", "guernsey": "GG", "rwanda": "RW",
    "iran": "IR", "ivory": "CI", "jamaica": "JM", "jersey": "JE", "kyrgyzstan": "KG",
    "monaco": "MC", "lesotho": "LS", "liechtenstein": "LI", "macedonia": "MK", "maldives": "MV",
    "mauritius": "MU", "moldova": "MD", "moldovei": "MD", "mongol": "MN", "namibia": "NA",
    "caledonia": "NC", "nicaragua": "NI", "montenegro": "ME", "albania": "AL", "shqiptare": "AL",
    "maroc": "MA", "papua": "PG", "lucia": "LC", "samoa": "WS", "marino": "SM", "senegal": "SN",
    "seychelles": "SC", "solomon": "SB", "burkina": "BF", "sudan": "SD", "grenadines": "VC",
    "syrian": "SY", "syria": "SY", "tanzania": "TZ", "greenland": "GL", "togo": "TG",
    "tonga": "TO", "tunisia": "TN", "tunisienne": "TN", "uganda": "UG", "uzbekistan": "UZ",
    "vanuatu": "VU", "yemen": "YE", "zambia": "ZM", "zimbabwe": "ZW", "algeria": "DZ",
    "angola": "AO", "honduras": "HN", "haiti": "HT", "iraq": "IQ", "libya": "LY",
    "madagascar": "MG", "malawi": "MW", "mali": "ML", "mozambique": "MZ", "somalia": "SO",
    "swaziland": "SZ", "tajikistan": "TJ", "turkmenistan": "TM", "venezuela": "VE",
    "dominican": "DO", "trinidad": "TT", "bahamas": "BS", "cayman": "KY", "guyana": "GY",
    "suriname": "SR", "kosovo": "XK", "gabon": "GA", "congo": "CG", "gambia": "GM",
    "liberia": "LR", "mauritania": "MR", "djibouti": "DJ", "kiribati": "KI", "palau": "PW",
    "tuvalu": "TV", "vatican": "VA", "macao": "MO",
}
# Operators whose code and name name no country: the national posts and the big brands of the list,
# by where they are registered.
KNOWN = {
    "an-post": "IE", "auspost": "AU", "belpost": "BY", "bh-posta": "BA", "bpost": "BE",
    "bpost-international": "BE", "belgium-post": "BE", "bring": "NO", "colissimo": "FR",
    "laposte": "FR", "la-poste-colissimo": "FR", "chronopost": "FR", "nipost": "NG", "parcel-force": "GB",
    "posti": "FI", "postnl": "NL", "postnl-parcels": "NL", "postnl-international": "NL",
    "postnl-3s": "NL", "postnord": "SE", "ptt-posta": "TR", "ukrposhta": "UA", "nova-poshta": "UA",
    "nova-poshtaint": "UA", "usps": "US", "usps-international": "US", "serpost": "PE",
    "tele-post": "GL", "sonapost": "BF", "campost": "CM", "elcorreo": "GT", "xpresspost": "CA",
    "chine-post": "CN", "sypost": "CN", "epacket": "CN", "dhlglobalmail": "US",
    "dhl-global-mail": "US", "dhlecommerce-asia": "SG", "dhl-global-mail-asia": "SG",
    "yodel": "GB", "evri": "GB", "hermes": "GB", "myhermes-uk": "GB", "parcel2go": "GB",
    "whistl": "GB", "collectplus": "GB", "uk-mail": "GB", "tuffnells": "GB", "dx": "GB",
    "dpd": "DE", "gls": "DE", "dhl": "DE", "ups": "US", "fedex": "US", "tnt": "NL", "aramex": "AE",
    "estes": "US", "ontrac": "US", "lasership": "US", "purolator": "CA", "canpar": "CA",
    "loomis-express": "CA", "sagawa": "JP", "seino": "JP", "cdek": "RU", "boxberry": "RU",
    "box-berry": "RU", "delhivery": "IN", "bluedart": "IN", "dtdc": "IN", "ecom-express": "IN",
    "xpressbees": "IN", "ekart": "IN", "gdex": "MY", "ninjavan": "SG", "kerry-logistics": "TH",
    "flashexpress": "TH", "jne": "ID", "sicepat": "ID", "lbc": "PH", "xend": "PH", "2go": "PH",
    "sto": "CN", "yto": "CN", "zto": "CN", "zto-express": "CN", "yunda": "CN", "yundaex": "CN",
    "sf-express": "CN", "sfb2c": "CN", "4px": "CN", "yanwen": "CN", "yunexpress": "CN",
    "cainiao": "CN", "wishpost": "CN", "anjun": "CN", "cnexps": "CN", "sfc": "CN",
    "sfcservice": "CN", "jcex": "CN", "equick-cn": "CN", "flytexpress": "CN", "ec-firstclass": "CN",
    "deppon": "CN", "bestex": "CN", "800bestex": "CN", "ttkdex": "CN", "jd": "CN", "omniva": "EE",
    "posten-norge": "NO", "matkahuolto": "FI", "inpost-paczkomaty": "PL", "fan": "RO",
    "urgent-cargus": "RO", "speedy": "BG", "econt": "BG", "acscourier": "GR",
    "taxydromiki": "GR", "elta-courier": "GR", "mrw-spain": "ES", "nacex": "ES", "seur": "ES",
    "spanish-seur": "ES", "envialia": "ES", "tipsa": "ES", "zeleris": "ES", "brt-it": "IT",
    "italy-sda": "IT", "nexive": "IT", "tntpost-it": "IT", "colis-prive": "FR",
    "mondialrelay": "FR", "relaiscolis": "FR", "geodis-calberson-fr": "FR", "hermes-de": "DE",
    "dhl-germany": "DE", "deutsch-post": "DE", "liefery": "DE", "estafeta": "MX",
    "andreani": "AR", "oca-ar": "AR", "starken": "CL", "chilexpress": "CL",
    "couriers-please": "AU", "star-track": "AU", "sendle": "AU", "toll-ipec": "AU",
    "toll-priority": "AU", "courierpost": "NZ", "tgx": "HK", "smsa-express": "SA",
    "naqel-express": "SA", "zajil-express": "SA", "yurtici-kargo": "TR", "israel-post": "IL",
    "korea-post": "KR", "epost": "KR", "cj-korea": "KR", "lotte": "KR", "hanjin": "KR",
    "taqbin-jp": "JP", "japan-post": "JP", "hct-logistics": "TW", "kerrytj": "TW",
    "viettelpost": "VN", "ghn": "VN", "vnpost": "VN", "abxexpress-my": "MY", "skynet": "MY",
    "citylinkexpress": "MY", "poslaju": "MY", "thecourierguy": "ZA", "dawnwing": "ZA",
    "sapo": "ZA", "fastway-za": "ZA", "abf": "US", "aaa-cooper": "US", "averitt": "US",
    "old-dominion": "US", "saia-freight": "US", "yrc": "US", "rl-carriers": "US",
    "pitney-bowes": "US", "newgistics": "US", "osm-worldwide": "US", "firstmile": "US",
    "apc": "US", "asendia-usa": "US", "greyhound": "US", "uship": "US", "speedee": "US",
    "kn": "CH", "dsv": "DK", "dachser": "DE", "dbschenker-se": "SE", "ceva": "FR",
    "expeditors": "US", "chrobinson": "US", "landmark-global": "BE", "spring-gds": "NL",
    "asendia-uk": "GB", "dhlparcel-uk": "GB", "interlink-express": "GB", "apc-overnight": "GB",
    "arrowxl": "GB", "panther": "GB", "royal-mail": "GB", "xdp-uk": "GB", "nightline": "IE",
    "fastway-ireland": "IE", "dpd-ireland": "IE", "posta-romana": "RO", "magyar-posta": "HU",
    "poczta-polska": "PL", "ceska-posta": "CZ", "sk-posta": "SK", "hrvatska-posta": "HR",
    "swiss-post": "CH", "austrian-post": "AT", "austrian-post-registered": "AT",
}
PHRASES = {
    "hong kong": "HK", "hong-kong": "HK", "new zealand": "NZ", "new-zealand": "NZ", "nz post": "NZ",
    "south africa": "ZA", "south-africa": "ZA", "united states": "US", "united kingdom": "GB",
    "royal mail": "GB", "sri lanka": "LK", "costa rica": "CR", "sri-lanka": "LK",
    "costa-rica": "CR",
}
# Postal operators whose name or code has no post word: the national posts of the list.
POSTAL_CODES = {
    "usps", "royal-mail", "bpost", "bpost-international", "belpost", "bgpost", "kpost", "vnpost",
    "vnpost-ems", "ukrposhta", "sapo", "nipost", "omniva", "colissimo", "laposte", "correios",
    "brazil-correios", "portugal-ctt", "ctt", "parcel-force", "an-post", "postnord", "posti",
    "bring", "elta-courier", "taxydromiki", "kazpost", "israel-post-domestic", "china-ems",
    "postnl-3s", "postnl-international", "deutsch-post", "dhl-germany", "hrvatska-posta",
}
POST_WORD = re.compile(
    r"(^|[\s\-(])(post|posta|poste|posten|posti|postal|pošta|poşta|poșta|pasts|paštas|pastas|"
    r"poczta|correos|correo|correios|ems|postur|poshta)($|[\s\-)])",
    re.IGNORECASE,
)
NOT_POSTAL = re.compile(r"postal logistics|post service|^mypost|skypostal|sky-postal|post56|17post", re.I)


def country_of(code: str, name: str) -> str:
    if code in KNOWN:
        return KNOWN[code]
    tokens = code.lower().split("-")
    if len(tokens) > 1 and tokens[-1] in SUFFIX:
        return SUFFIX[tokens[-1]]
    text = f"{code} {name}".lower()
    for phrase, cc in PHRASES.items():
        if phrase in text:
            return cc
    for word in re.split(r"[\s\-_(),./]+", text):
        if word in WORDS:
            return WORDS[word]
    return ""


def is_postal(code: str, name: str) -> bool:
    if code in POSTAL_CODES:
        return True
    if NOT_POSTAL.search(name) or NOT_POSTAL.search(code):
        return False
    return bool(POST_WORD.search(name) or POST_WORD.search(code.replace("-", " ")))


def web(url: str) -> str:
    """`//host/path`, the form the v2 carrier list uses."""
    url = url.strip()
    if not url:
        return ""
    url = re.sub(r"^https?:", "", url)
    return url if url.startswith("//") else "//" + url


def clean(s: str) -> str:
    return " ".join((s or "").replace("\t", " ").split())


def main() -> None:
    tm = json.load(open(sys.argv[1], encoding="utf-8"))
    rows = {}
    for code, c in tm.items():
        code = code.strip().lower()
        name = clean(c.get("name", ""))
        kind = "postal" if c.get("type") == "globalpost" else "express"
        rows[code] = [code, name, kind, country_of(code, name), clean(c.get("phone", "")),
                      web(c.get("homepage", "")), clean(c.get("name_cn", "")),
                      clean(c.get("picture", "")), "trackingmore"]
    for line in open(sys.argv[2], encoding="utf-8"):
        if "|" not in line:
            continue
        code, name = (x.strip() for x in line.split("|", 1))
        code = code.lower()
        if code in rows:
            continue
        kind = "postal" if is_postal(code, name) else "express"
        rows[code] = [code, clean(name), kind, country_of(code, name), "", "", "", "", "klarna"]
    # Codes the contract (CONTRACT.md §1, issue #12) names as used by real integrations but that
    # neither stored list has (Evri is Hermes UK's name since 2022; DHL Austria is DHL Parcel
    # Austria): kept so that such a code is never refused with 4015.
    for code, name, kind in (("evri", "Evri", "express"), ("dhl-austria", "DHL Austria", "express")):
        rows.setdefault(code, [code, name, kind, country_of(code, name), "", "", "", "", "contract"])
    print("# code\tname\ttype\tcountry\tphone\thomepage\tname_cn\tpicture\tsource")
    for code in sorted(rows):
        print("\t".join(rows[code]))


if __name__ == "__main__":
    main()
