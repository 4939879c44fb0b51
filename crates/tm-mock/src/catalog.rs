//! Built-in reference data: countries, carriers, carrier detection, remote areas.
//!
//! The carrier list is the 77 hand-written carriers below (with routing details) followed by the
//! full public carrier list in `data/carriers.tsv` (see `data/SOURCE.md` for where it comes from).

use std::collections::HashMap;
use std::sync::LazyLock;

/// A country the simulator can route through.
#[derive(Debug)]
pub(crate) struct Country {
    pub code: &'static str,
    pub name: &'static str,
    /// UTC offset in hours of carrier-local scan times.
    pub tz: i32,
    pub cities: [&'static str; 4],
}

macro_rules! c {
    ($code:literal, $name:literal, $tz:literal, [$a:literal, $b:literal, $c:literal, $d:literal]) => {
        Country {
            code: $code,
            name: $name,
            tz: $tz,
            cities: [$a, $b, $c, $d],
        }
    };
}

pub(crate) static COUNTRIES: &[Country] = &[
    c!(
        "CN",
        "China",
        8,
        ["SHENZHEN", "GUANGZHOU", "SHANGHAI", "BEIJING"]
    ),
    c!(
        "US",
        "United States",
        -5,
        ["NEW YORK", "LOS ANGELES", "CHICAGO", "MEMPHIS"]
    ),
    c!(
        "GB",
        "United Kingdom",
        0,
        ["LONDON", "MANCHESTER", "BIRMINGHAM", "COVENTRY"]
    ),
    c!(
        "DE",
        "Germany",
        1,
        ["LEIPZIG", "FRANKFURT", "BERLIN", "HAMBURG"]
    ),
    c!(
        "FR",
        "France",
        1,
        ["PARIS", "ROISSY CHARLES DE GAULLE", "LYON", "MARSEILLE"]
    ),
    c!("IT", "Italy", 1, ["MILANO", "ROMA", "BOLOGNA", "NAPOLI"]),
    c!(
        "ES",
        "Spain",
        1,
        ["MADRID", "BARCELONA", "VALENCIA", "SEVILLA"]
    ),
    c!(
        "NL",
        "Netherlands",
        1,
        ["AMSTERDAM", "ROTTERDAM", "UTRECHT", "EINDHOVEN"]
    ),
    c!(
        "BE",
        "Belgium",
        1,
        ["BRUSSELS", "ANTWERPEN", "LIEGE", "GENT"]
    ),
    c!("JP", "Japan", 9, ["TOKYO", "NARITA", "OSAKA", "KAWASAKI"]),
    c!(
        "KR",
        "Korea, Republic of",
        9,
        ["SEOUL", "INCHEON", "BUSAN", "DAEGU"]
    ),
    c!(
        "SG",
        "Singapore",
        8,
        ["SINGAPORE", "CHANGI", "JURONG", "TAMPINES"]
    ),
    c!(
        "HK",
        "Hong Kong [CN]",
        8,
        ["HONG KONG", "KOWLOON", "TSUEN WAN", "SHA TIN"]
    ),
    c!(
        "TW",
        "Taiwan",
        8,
        ["TAIPEI", "TAOYUAN", "TAICHUNG", "KAOHSIUNG"]
    ),
    c!(
        "AU",
        "Australia",
        10,
        ["SYDNEY", "MELBOURNE", "BRISBANE", "PERTH"]
    ),
    c!(
        "NZ",
        "New Zealand",
        12,
        ["AUCKLAND", "WELLINGTON", "CHRISTCHURCH", "HAMILTON"]
    ),
    c!(
        "CA",
        "Canada",
        -5,
        ["TORONTO", "MONTREAL", "VANCOUVER", "MISSISSAUGA"]
    ),
    c!(
        "MX",
        "Mexico",
        -6,
        ["CIUDAD DE MEXICO", "GUADALAJARA", "MONTERREY", "PUEBLA"]
    ),
    c!(
        "BR",
        "Brazil",
        -3,
        ["SAO PAULO", "CURITIBA", "RIO DE JANEIRO", "BELO HORIZONTE"]
    ),
    c!(
        "AR",
        "Argentina",
        -3,
        ["BUENOS AIRES", "CORDOBA", "ROSARIO", "MENDOZA"]
    ),
    c!(
        "CL",
        "Chile",
        -3,
        ["SANTIAGO", "VALPARAISO", "CONCEPCION", "ANTOFAGASTA"]
    ),
    c!(
        "CO",
        "Colombia",
        -5,
        ["BOGOTA", "MEDELLIN", "CALI", "BARRANQUILLA"]
    ),
    c!(
        "RU",
        "Russia",
        3,
        ["MOSCOW", "SAINT PETERSBURG", "NOVOSIBIRSK", "YEKATERINBURG"]
    ),
    c!("UA", "Ukraine", 2, ["KYIV", "LVIV", "ODESA", "KHARKIV"]),
    c!(
        "PL",
        "Poland",
        1,
        ["WARSZAWA", "KRAKOW", "POZNAN", "WROCLAW"]
    ),
    c!(
        "CZ",
        "Czech Republic",
        1,
        ["PRAHA", "BRNO", "OSTRAVA", "PLZEN"]
    ),
    c!("AT", "Austria", 1, ["WIEN", "GRAZ", "LINZ", "SALZBURG"]),
    c!(
        "CH",
        "Switzerland",
        1,
        ["ZURICH", "BASEL", "GENEVE", "BERN"]
    ),
    c!(
        "SE",
        "Sweden",
        1,
        ["STOCKHOLM", "GOTEBORG", "MALMO", "UPPSALA"]
    ),
    c!(
        "NO",
        "Norway",
        1,
        ["OSLO", "BERGEN", "TRONDHEIM", "STAVANGER"]
    ),
    c!(
        "DK",
        "Denmark",
        1,
        ["KOBENHAVN", "AARHUS", "ODENSE", "AALBORG"]
    ),
    c!(
        "FI",
        "Finland",
        2,
        ["HELSINKI", "VANTAA", "TAMPERE", "TURKU"]
    ),
    c!("IE", "Ireland", 0, ["DUBLIN", "CORK", "GALWAY", "LIMERICK"]),
    c!("PT", "Portugal", 0, ["LISBOA", "PORTO", "BRAGA", "COIMBRA"]),
    c!(
        "GR",
        "Greece",
        2,
        ["ATHINA", "THESSALONIKI", "PATRA", "HERAKLION"]
    ),
    c!(
        "HU",
        "Hungary",
        1,
        ["BUDAPEST", "DEBRECEN", "SZEGED", "GYOR"]
    ),
    c!(
        "RO",
        "Romania",
        2,
        ["BUCURESTI", "CLUJ-NAPOCA", "IASI", "TIMISOARA"]
    ),
    c!("TR", "Turkey", 3, ["ISTANBUL", "ANKARA", "IZMIR", "BURSA"]),
    c!(
        "IL",
        "Israel",
        2,
        ["TEL AVIV", "JERUSALEM", "HAIFA", "MODIIN"]
    ),
    c!(
        "AE",
        "United Arab Emirates",
        4,
        ["DUBAI", "ABU DHABI", "SHARJAH", "AJMAN"]
    ),
    c!(
        "SA",
        "Saudi Arabia",
        3,
        ["RIYADH", "JEDDAH", "DAMMAM", "MAKKAH"]
    ),
    c!(
        "IN",
        "India",
        5,
        ["NEW DELHI", "MUMBAI", "BENGALURU", "CHENNAI"]
    ),
    c!(
        "TH",
        "Thailand",
        7,
        ["BANGKOK", "CHIANG MAI", "PHUKET", "KHON KAEN"]
    ),
    c!(
        "MY",
        "Malaysia",
        8,
        ["KUALA LUMPUR", "PENANG", "JOHOR BAHRU", "SHAH ALAM"]
    ),
    c!(
        "ID",
        "Indonesia",
        7,
        ["JAKARTA", "SURABAYA", "BANDUNG", "MEDAN"]
    ),
    c!(
        "VN",
        "Vietnam",
        7,
        ["HA NOI", "HO CHI MINH", "DA NANG", "HAI PHONG"]
    ),
    c!("PH", "Philippines", 8, ["MANILA", "PASAY", "CEBU", "DAVAO"]),
    c!(
        "ZA",
        "South Africa",
        2,
        ["JOHANNESBURG", "CAPE TOWN", "DURBAN", "PRETORIA"]
    ),
];

/// The country with this alpha-2 code (case-insensitive).
pub(crate) fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The country with this alpha-2 code or English name (case-insensitive).
pub(crate) fn country_by_code_or_name(s: &str) -> Option<&'static Country> {
    let s = s.trim();
    country(s).or_else(|| {
        COUNTRIES.iter().find(|c| {
            c.name.eq_ignore_ascii_case(s)
                || c.name
                    .split([',', '['])
                    .next()
                    .is_some_and(|n| n.trim().eq_ignore_ascii_case(s))
        })
    })
}

/// How a carrier moves parcels (drives route timing and expiry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Integrators: fast, expire after 30 days.
    Express,
    /// Posts: slower, two legs, expire after 60 days.
    Postal,
    /// Domestic express (e.g. Chinese couriers): fast, single country.
    Domestic,
    /// Cross-border consolidators (e-commerce lines): postal timing.
    Consolidator,
}

impl Kind {
    /// Days after creation after which an undelivered item expires.
    pub(crate) fn expiry_days(self) -> i64 {
        match self {
            Kind::Express | Kind::Domestic => 30,
            Kind::Postal | Kind::Consolidator => 60,
        }
    }
}

/// One carrier of the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Carrier {
    pub code: &'static str,
    pub name: &'static str,
    pub name_cn: Option<&'static str>,
    pub phone: &'static str,
    pub homepage: &'static str,
    pub country: &'static str,
    pub kind: Kind,
    /// An EMS service (E* S10 prefixes).
    pub ems: bool,
    /// The logo path the public list gives, if any.
    pub logo: Option<&'static str>,
}

impl Carrier {
    /// `express` or `globalpost`, as the carriers list reports it.
    pub(crate) fn type_str(&self) -> &'static str {
        match self.kind {
            Kind::Postal => "globalpost",
            _ => "express",
        }
    }

    /// The logo URL.
    pub(crate) fn picture(&self) -> String {
        if let Some(logo) = self.logo {
            return logo.to_owned();
        }
        match self.kind {
            Kind::Postal => format!(
                "//cdn.trackingmore.com/images/icons/express/companylogo/{}.jpg",
                3000 + self.index() * 7
            ),
            _ => format!(
                "//cdn.trackingmore.com/images/icons/express/{}.png",
                self.code
            ),
        }
    }

    /// Position in [`CARRIERS`].
    pub(crate) fn index(&self) -> usize {
        CARRIERS
            .iter()
            .position(|c| std::ptr::eq(c, self))
            .unwrap_or(0)
    }

    /// Display name in `lang` where known.
    pub(crate) fn name_in(&self, lang: Option<&str>) -> &'static str {
        match (lang.map(str::to_ascii_lowercase).as_deref(), self.name_cn) {
            (Some("cn" | "zh" | "zh-cn"), Some(n)) => n,
            _ => self.name,
        }
    }
}

macro_rules! k {
    ($code:literal, $name:literal, $cn:expr, $phone:literal, $home:literal, $cc:literal, $kind:ident, $ems:literal) => {
        Carrier {
            code: $code,
            name: $name,
            name_cn: $cn,
            phone: $phone,
            homepage: $home,
            country: $cc,
            kind: Kind::$kind,
            ems: $ems,
            logo: None,
        }
    };
}

/// The whole catalogue: [`CURATED`] first, then every other code of `data/carriers.tsv`.
pub(crate) static CARRIERS: LazyLock<Vec<Carrier>> = LazyLock::new(|| {
    let mut all: Vec<Carrier> = CURATED.to_vec();
    for c in public_list() {
        if !all.iter().any(|o| o.code.eq_ignore_ascii_case(c.code)) {
            all.push(c);
        }
    }
    all
});

/// Lower-case code → position in [`CARRIERS`] (the catalogue has over a thousand codes).
static BY_CODE: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    CARRIERS
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.to_ascii_lowercase(), i))
        .collect()
});

/// The public carrier list (`data/carriers.tsv`, tab-separated, `#` comments).
static PUBLIC_LIST: &str = include_str!("../data/carriers.tsv");

/// Parses [`PUBLIC_LIST`]; a row without a code or name is skipped (a test checks there are none).
fn public_list() -> impl Iterator<Item = Carrier> {
    PUBLIC_LIST
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(parse_row)
}

/// One `code, name, type, country, phone, homepage, name_cn, picture, source` row.
fn parse_row(line: &'static str) -> Option<Carrier> {
    let mut f = line.split('\t');
    let code = f.next().filter(|s| !s.is_empty())?;
    let name = f.next().filter(|s| !s.is_empty())?;
    let kind = match f.next()? {
        "postal" => Kind::Postal,
        "express" => Kind::Express,
        _ => return None,
    };
    let country = f.next()?;
    let phone = f.next().unwrap_or("");
    let homepage = f.next().unwrap_or("");
    let name_cn = f.next().filter(|s| !s.is_empty());
    let logo = f.next().filter(|s| !s.is_empty());
    Some(Carrier {
        code,
        name,
        name_cn,
        phone,
        homepage,
        country,
        kind,
        // EMS services have `ems` as a word of their code (`china-ems`, `vnpost-ems`).
        ems: code.split('-').any(|w| w == "ems"),
        logo,
    })
}

/// The hand-written carriers: the first 77 of the list, with phones, Chinese names and kinds
/// (domestic couriers, consolidators) that the public list does not give.
pub(crate) static CURATED: &[Carrier] = &[
    k!(
        "dhl",
        "DHL",
        Some("DHL国际快递"),
        "1 800 225 5345",
        "//www.dhl.com/",
        "DE",
        Express,
        false
    ),
    k!(
        "ups",
        "UPS",
        Some("UPS国际快递"),
        "1 800 742 5877",
        "//www.ups.com/",
        "US",
        Express,
        false
    ),
    k!(
        "fedex",
        "Fedex",
        Some("联邦快递"),
        "1 800 247 4747",
        "//www.fedex.com/",
        "US",
        Express,
        false
    ),
    k!(
        "tnt",
        "TNT",
        Some("TNT快递"),
        "1 800 558 5555",
        "//www.tnt.com/",
        "NL",
        Express,
        false
    ),
    k!(
        "aramex",
        "Aramex",
        Some("Aramex快递"),
        "600 544000",
        "//www.aramex.com/",
        "AE",
        Express,
        false
    ),
    k!(
        "dpd",
        "DPD",
        None,
        "+49 1806 373 200",
        "//www.dpd.com/",
        "DE",
        Express,
        false
    ),
    k!(
        "gls",
        "GLS",
        None,
        "+49 6677 646907000",
        "//gls-group.eu/",
        "DE",
        Express,
        false
    ),
    k!(
        "toll",
        "Toll",
        None,
        "13 15 31",
        "//www.tollgroup.com/",
        "AU",
        Express,
        false
    ),
    k!(
        "purolator",
        "Purolator",
        None,
        "1 888 744 7123",
        "//www.purolator.com/",
        "CA",
        Express,
        false
    ),
    k!(
        "yodel",
        "Yodel",
        None,
        "0844 755 0117",
        "//www.yodel.co.uk/",
        "GB",
        Express,
        false
    ),
    k!(
        "hermes",
        "Hermes",
        None,
        "0330 333 6556",
        "//www.myhermes.co.uk/",
        "GB",
        Express,
        false
    ),
    k!(
        "ontrac",
        "OnTrac",
        None,
        "1 800 334 5000",
        "//www.ontrac.com/",
        "US",
        Express,
        false
    ),
    k!(
        "sagawa",
        "Sagawa",
        Some("佐川急便"),
        "0120-18-9595",
        "//www.sagawa-exp.co.jp/",
        "JP",
        Express,
        false
    ),
    k!(
        "taqbin-jp",
        "Yamato Transport",
        Some("雅玛多"),
        "0120-01-9625",
        "//www.kuronekoyamato.co.jp/",
        "JP",
        Express,
        false
    ),
    k!(
        "cj-korea",
        "CJ Logistics",
        None,
        "1588-1255",
        "//www.cjlogistics.com/",
        "KR",
        Express,
        false
    ),
    k!(
        "sf-express",
        "S.F Express",
        Some("顺丰速运"),
        "95338",
        "//www.sf-express.com/",
        "CN",
        Express,
        false
    ),
    k!(
        "sto",
        "STO Express",
        Some("申通快递"),
        "95543",
        "//www.sto.cn/",
        "CN",
        Domestic,
        false
    ),
    k!(
        "yto",
        "YTO Express",
        Some("圆通速递"),
        "95554",
        "//www.yto.net.cn/",
        "CN",
        Domestic,
        false
    ),
    k!(
        "zto",
        "ZTO Express",
        Some("中通快递"),
        "95311",
        "//www.zto.com/",
        "CN",
        Domestic,
        false
    ),
    k!(
        "yunda",
        "Yunda Express",
        Some("韵达快递"),
        "95546",
        "//www.yundaex.com/",
        "CN",
        Domestic,
        false
    ),
    k!(
        "bestex",
        "Best Express",
        Some("百世快递"),
        "+86 4009 565656",
        "//www.800bestex.com/",
        "CN",
        Domestic,
        false
    ),
    k!(
        "deppon",
        "DEPPON",
        Some("德邦物流"),
        "95353",
        "//www.deppon.com/",
        "CN",
        Domestic,
        false
    ),
    k!(
        "4px",
        "4PX",
        Some("递四方"),
        "+86 755 23508000",
        "//www.4px.com/",
        "CN",
        Consolidator,
        false
    ),
    k!(
        "yanwen",
        "Yanwen",
        Some("燕文物流"),
        "+86 400-108-5656",
        "//www.yw56.com.cn/",
        "CN",
        Consolidator,
        false
    ),
    k!(
        "wishpost",
        "WishPost",
        Some("Wish邮"),
        "+86 400 860 0030",
        "//www.wishpost.cn/",
        "CN",
        Consolidator,
        false
    ),
    k!(
        "cainiao",
        "Cainiao",
        Some("菜鸟"),
        "+86 95187",
        "//global.cainiao.com/",
        "CN",
        Consolidator,
        false
    ),
    k!(
        "yunexpress",
        "YunExpress",
        Some("云途物流"),
        "+86 400-0262-126",
        "//www.yunexpress.com/",
        "CN",
        Consolidator,
        false
    ),
    k!(
        "china-post",
        "China post",
        Some("中国邮政"),
        "86 20 11185",
        "//intmail.183.com.cn/",
        "CN",
        Postal,
        false
    ),
    k!(
        "china-ems",
        "China EMS",
        Some("中国EMS"),
        "86 20 11183",
        "//www.ems.com.cn/",
        "CN",
        Postal,
        true
    ),
    k!(
        "hong-kong-post",
        "Hong Kong Post",
        Some("香港邮政"),
        "852 2921 2222",
        "//www.hongkongpost.hk/",
        "HK",
        Postal,
        false
    ),
    k!(
        "taiwan-post",
        "Taiwan Post",
        Some("台湾邮政"),
        "886 2 2703 7527",
        "//www.post.gov.tw/",
        "TW",
        Postal,
        false
    ),
    k!(
        "singapore-post",
        "Singapore Post",
        Some("新加坡邮政"),
        "0065 / 6841 2000",
        "//www.singpost.com/",
        "SG",
        Postal,
        false
    ),
    k!(
        "singapore-speedpost",
        "Singapore Speedpost",
        Some("新加坡EMS"),
        "0065 6222 5777",
        "//www.speedpost.com.sg/",
        "SG",
        Postal,
        true
    ),
    k!(
        "usps",
        "USPS",
        Some("美国邮政"),
        "1 800 275 8777",
        "//www.usps.com/",
        "US",
        Postal,
        true
    ),
    k!(
        "royal-mail",
        "Royal Mail",
        Some("英国皇家邮政"),
        "+44 1752387112",
        "//www.royalmail.com/",
        "GB",
        Postal,
        false
    ),
    k!(
        "deutsche-post",
        "Deutsche Post",
        Some("德国邮政"),
        "0228 4333112",
        "//www.deutschepost.de/",
        "DE",
        Postal,
        false
    ),
    k!(
        "la-poste",
        "La Poste",
        Some("法国邮政"),
        "3631",
        "//www.laposte.fr/",
        "FR",
        Postal,
        false
    ),
    k!(
        "poste-italiane",
        "Poste Italiane",
        Some("意大利邮政"),
        "+39 803 160",
        "//www.poste.it/",
        "IT",
        Postal,
        false
    ),
    k!(
        "correos-spain",
        "Correos de Espana",
        Some("西班牙邮政"),
        "+34 902197197",
        "//www.correos.es/",
        "ES",
        Postal,
        false
    ),
    k!(
        "postnl-3s",
        "PostNL International 3S",
        Some("荷兰邮政3S"),
        "+31 900 0990",
        "//www.postnl.nl/",
        "NL",
        Postal,
        false
    ),
    k!(
        "belgium-post",
        "Bpost",
        Some("比利时邮政"),
        "+32 2 276 22 74",
        "//www.bpost.be/",
        "BE",
        Postal,
        false
    ),
    k!(
        "japan-post",
        "Japan Post",
        Some("日本邮政"),
        "+81 0570-046111",
        "//www.post.japanpost.jp/",
        "JP",
        Postal,
        false
    ),
    k!(
        "korea-post",
        "Korea Post",
        Some("韩国邮政"),
        "+82 2 2195 1114",
        "//www.epost.go.kr/",
        "KR",
        Postal,
        false
    ),
    k!(
        "australia-post",
        "Australia Post",
        Some("澳大利亚邮政"),
        "13 POST (13 76 78)",
        "//auspost.com.au/",
        "AU",
        Postal,
        false
    ),
    k!(
        "new-zealand-post",
        "New Zealand Post",
        Some("新西兰邮政"),
        "+64 9 367 9710",
        "//www.nzpost.co.nz/",
        "NZ",
        Postal,
        false
    ),
    k!(
        "canada-post",
        "Canada Post",
        Some("加拿大邮政"),
        "1 866 607 6301",
        "//www.canadapost.ca/",
        "CA",
        Postal,
        false
    ),
    k!(
        "correos-mexico",
        "Correos de Mexico",
        Some("墨西哥邮政"),
        "01 800 701 7000",
        "//www.correosdemexico.gob.mx/",
        "MX",
        Postal,
        false
    ),
    k!(
        "brazil-correios",
        "Correios Brazil",
        Some("巴西邮政"),
        "+55 3003 0100",
        "//www.correios.com.br/",
        "BR",
        Postal,
        false
    ),
    k!(
        "correo-argentino",
        "Correo Argentino",
        Some("阿根廷邮政"),
        "+54 11 4891-9191",
        "//www.correoargentino.com.ar/",
        "AR",
        Postal,
        false
    ),
    k!(
        "correos-chile",
        "Correos Chile",
        Some("智利邮政"),
        "+56 600 950 2020",
        "//www.correos.cl/",
        "CL",
        Postal,
        false
    ),
    k!(
        "colombia-post",
        "4-72 Entregando",
        Some("哥伦比亚邮政"),
        "(57-1) 4722000",
        "//www.4-72.com.co/",
        "CO",
        Postal,
        false
    ),
    k!(
        "russian-post",
        "Russian Post",
        Some("俄罗斯邮政"),
        "8 (800) 2005 888",
        "//www.pochta.ru/",
        "RU",
        Postal,
        false
    ),
    k!(
        "ukraine-post",
        "Ukrposhta",
        Some("乌克兰邮政"),
        "+380 0 800 500 440",
        "//ukrposhta.ua/",
        "UA",
        Postal,
        false
    ),
    k!(
        "poland-post",
        "Poczta Polska",
        Some("波兰邮政"),
        "+48 43 842 06 00",
        "//www.poczta-polska.pl/",
        "PL",
        Postal,
        false
    ),
    k!(
        "czech-post",
        "Czech Post",
        Some("捷克邮政"),
        "+420 954 292 102",
        "//www.postaonline.cz/",
        "CZ",
        Postal,
        false
    ),
    k!(
        "austria-post",
        "Austrian Post",
        Some("奥地利邮政"),
        "+43 810 010 100",
        "//www.post.at/",
        "AT",
        Postal,
        false
    ),
    k!(
        "swiss-post",
        "Swiss Post",
        Some("瑞士邮政"),
        "+41 848 888 888",
        "//www.post.ch/",
        "CH",
        Postal,
        false
    ),
    k!(
        "sweden-posten",
        "PostNord Sweden",
        Some("瑞典邮政"),
        "+46 771 33 33 10",
        "//www.postnord.se/",
        "SE",
        Postal,
        false
    ),
    k!(
        "posten-norge",
        "Posten Norge",
        Some("挪威邮政"),
        "+47 21 31 62 60",
        "//www.posten.no/",
        "NO",
        Postal,
        false
    ),
    k!(
        "denmark-post",
        "PostNord Denmark",
        Some("丹麦邮政"),
        "+45 70 70 70 30",
        "//www.postnord.dk/",
        "DK",
        Postal,
        false
    ),
    k!(
        "finland-posti",
        "Posti Finland",
        Some("芬兰邮政"),
        "+358 200 77000",
        "//www.posti.fi/",
        "FI",
        Postal,
        false
    ),
    k!(
        "an-post",
        "An Post",
        Some("爱尔兰邮政"),
        "+353 1 705 7600",
        "//www.anpost.ie/",
        "IE",
        Postal,
        false
    ),
    k!(
        "portugal-ctt",
        "CTT Portugal",
        Some("葡萄牙邮政"),
        "+351 707 26 26 26",
        "//www.ctt.pt/",
        "PT",
        Postal,
        false
    ),
    k!(
        "greece-post",
        "ELTA Hellenic Post",
        Some("希腊邮政"),
        "+30 800 11 82000",
        "//www.elta.gr/",
        "GR",
        Postal,
        false
    ),
    k!(
        "magyar-posta",
        "Magyar Posta",
        Some("匈牙利邮政"),
        "+36 1 767 8282",
        "//www.posta.hu/",
        "HU",
        Postal,
        false
    ),
    k!(
        "posta-romana",
        "Posta Romana",
        Some("罗马尼亚邮政"),
        "+40 021 9393 111",
        "//www.posta-romana.ro/",
        "RO",
        Postal,
        false
    ),
    k!(
        "turkey-post",
        "PTT Posta",
        Some("土耳其邮政"),
        "+90 444 1 788",
        "//www.ptt.gov.tr/",
        "TR",
        Postal,
        false
    ),
    k!(
        "israel-post",
        "Israel Post",
        Some("以色列邮政"),
        "+972 2 629 0691",
        "//www.israelpost.co.il/",
        "IL",
        Postal,
        false
    ),
    k!(
        "emirates-post",
        "Emirates Post",
        Some("阿联酋邮政"),
        "600 5 99999",
        "//www.emiratespost.ae/",
        "AE",
        Postal,
        false
    ),
    k!(
        "saudi-post",
        "Saudi Post",
        Some("沙特阿拉伯邮政"),
        "+966 9200 05700",
        "//www.sp.com.sa/",
        "SA",
        Postal,
        false
    ),
    k!(
        "india-post",
        "India Post",
        Some("印度邮政"),
        "1800 11 2011",
        "//www.indiapost.gov.in/",
        "IN",
        Postal,
        false
    ),
    k!(
        "thailand-post",
        "Thailand Post",
        Some("泰国邮政"),
        "+66 1545",
        "//www.thailandpost.co.th/",
        "TH",
        Postal,
        false
    ),
    k!(
        "malaysia-post",
        "Malaysia Post",
        Some("马来西亚邮政"),
        "+60 1 300 300 300",
        "//www.pos.com.my/",
        "MY",
        Postal,
        false
    ),
    k!(
        "indonesia-post",
        "Pos Indonesia",
        Some("印度尼西亚邮政"),
        "+62 21 161",
        "//www.posindonesia.co.id/",
        "ID",
        Postal,
        false
    ),
    k!(
        "vietnam-post",
        "Vietnam Post",
        Some("越南邮政"),
        "+84 1900 54 54 81",
        "//www.vnpost.vn/",
        "VN",
        Postal,
        false
    ),
    k!(
        "phlpost",
        "PHLPost",
        Some("菲律宾邮政"),
        "+63 2 8527 0108",
        "//www.phlpost.gov.ph/",
        "PH",
        Postal,
        false
    ),
    k!(
        "south-africa-post",
        "South African Post Office",
        Some("南非邮政"),
        "+27 0860 111 502",
        "//www.postoffice.co.za/",
        "ZA",
        Postal,
        false
    ),
];

/// The carrier with this code (case-insensitive).
pub(crate) fn carrier(code: &str) -> Option<&'static Carrier> {
    let i = if code.bytes().any(|b| b.is_ascii_uppercase()) {
        BY_CODE.get(&code.to_ascii_lowercase())
    } else {
        BY_CODE.get(code)
    };
    i.map(|&i| &CARRIERS[i])
}

/// The national post of a country (the non-EMS postal carrier).
pub(crate) fn post_of(country: &str) -> Option<&'static Carrier> {
    CARRIERS
        .iter()
        .find(|c| c.kind == Kind::Postal && !c.ems && c.country.eq_ignore_ascii_case(country))
        .or_else(|| {
            CARRIERS
                .iter()
                .find(|c| c.kind == Kind::Postal && c.country.eq_ignore_ascii_case(country))
        })
}

/// The EMS carrier of a country, if the catalogue has one.
fn ems_of(country: &str) -> Option<&'static Carrier> {
    CARRIERS
        .iter()
        .find(|c| c.ems && c.country.eq_ignore_ascii_case(country))
}

/// Parses a UPU S10 number `AA123456789CC` into (service prefix, country suffix).
pub(crate) fn s10(number: &str) -> Option<(&str, &str)> {
    let b = number.as_bytes();
    if b.len() == 13
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..11].iter().all(u8::is_ascii_digit)
        && b[11..].iter().all(u8::is_ascii_alphabetic)
    {
        Some((&number[..2], &number[11..]))
    } else {
        None
    }
}

/// Carrier candidates for a tracking number, most likely first.
pub(crate) fn detect(number: &str) -> Vec<&'static Carrier> {
    let n = number.trim().to_ascii_uppercase();
    let mut out: Vec<&'static Carrier> = Vec::new();
    let mut push = |c: Option<&'static Carrier>| {
        if let Some(c) = c {
            if !out.iter().any(|o| std::ptr::eq(*o, c)) {
                out.push(c);
            }
        }
    };
    if let Some((prefix, cc)) = s10(&n) {
        if cc == "YW" {
            push(carrier("yanwen"));
        } else if country(cc).is_some() {
            if prefix.starts_with('E') {
                push(ems_of(cc));
            }
            push(post_of(cc));
        }
        return out;
    }
    // Yodel: `JD` + 16 digits; `JJD` numbers are also DHL Paket's international ones.
    if let Some(rest) = n.strip_prefix("JJD").or_else(|| n.strip_prefix("JD")) {
        if (14..=20).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit()) {
            push(carrier("yodel"));
            if n.starts_with("JJD") {
                push(carrier("dhl-germany"));
            }
            return out;
        }
    }
    // Evri (Hermes UK): 16 characters starting `H`, ending in digits.
    if n.len() == 16
        && n.starts_with('H')
        && n.bytes().all(|b| b.is_ascii_alphanumeric())
        && n[8..].bytes().all(|b| b.is_ascii_digit())
    {
        push(carrier("evri"));
        push(carrier("hermes"));
        return out;
    }
    // DHL Paket (Germany): 20 digits starting `00340`.
    if n.len() == 20 && n.starts_with("00340") && n.bytes().all(|b| b.is_ascii_digit()) {
        push(carrier("dhl-germany"));
        return out;
    }
    // DPD: 14 digits starting `15` (DPD UK / DPD Germany parcel numbers).
    if n.len() == 14 && n.starts_with("15") && n.bytes().all(|b| b.is_ascii_digit()) {
        push(carrier("dpd-uk"));
        push(carrier("dpd-de"));
    }
    if n.starts_with("1Z") && n.len() == 18 && n.bytes().all(|b| b.is_ascii_alphanumeric()) {
        push(carrier("ups"));
        return out;
    }
    if n.starts_with("4PX") && n.len() >= 10 {
        push(carrier("4px"));
        return out;
    }
    if (n.starts_with("YT") && n.len() == 18) || n.starts_with("LP00") {
        push(carrier("yunexpress"));
        push(carrier("cainiao"));
        return out;
    }
    if n.starts_with("SF") && n.len() == 15 && n[2..].bytes().all(|b| b.is_ascii_digit()) {
        push(carrier("sf-express"));
        return out;
    }
    if n.bytes().all(|b| b.is_ascii_digit()) {
        match n.len() {
            10 => push(carrier("dhl")),
            11 => push(carrier("wishpost")),
            12 => {
                push(carrier("fedex"));
                push(carrier("sto"));
            }
            13 | 14 => {
                push(carrier("bestex"));
                push(carrier("zto"));
            }
            15 => push(carrier("fedex")),
            20 => {
                push(carrier("fedex"));
                push(carrier("usps"));
            }
            22 => {
                if n.starts_with('9') {
                    push(carrier("usps"));
                }
                push(carrier("fedex"));
            }
            26 | 30 | 34 => push(carrier("usps")),
            _ => {}
        }
    }
    out
}

/// Remote-area table: (company, country alpha-2, postcode or city prefix).
pub(crate) static REMOTE: &[(&str, &str, &str)] = &[
    ("ups", "JP", "7621094"),
    ("tnt", "JP", "7621094"),
    ("dhl", "JP", "7621094"),
    ("fedex", "JP", "7621094"),
    ("dhl", "JP", "9071801"),
    ("fedex", "JP", "9071801"),
    ("dhl", "NZ", "PAPAAROHA"),
    ("fedex", "NZ", "PAPAAROHA"),
    ("ups", "NZ", "PAPAAROHA"),
    ("dhl", "NZ", "9893"),
    ("ups", "US", "99950"),
    ("fedex", "US", "99950"),
    ("dhl", "US", "96799"),
    ("fedex", "US", "96799"),
    ("ups", "US", "99723"),
    ("dhl", "CA", "X0A"),
    ("ups", "CA", "X0A"),
    ("fedex", "CA", "X0A"),
    ("dhl", "CA", "X1A"),
    ("dhl", "GB", "HS1"),
    ("ups", "GB", "HS1"),
    ("dhl", "GB", "ZE1"),
    ("tnt", "GB", "ZE1"),
    ("fedex", "GB", "KW15"),
    ("dhl", "NO", "9170"),
    ("ups", "NO", "9170"),
    ("dhl", "RU", "689000"),
    ("tnt", "RU", "689000"),
    ("dhl", "CL", "6350000"),
    ("fedex", "CL", "6350000"),
    ("dhl", "AU", "0872"),
    ("tnt", "AU", "0872"),
    ("fedex", "AU", "6743"),
    ("ups", "FR", "20000"),
    ("tnt", "FR", "20000"),
    ("dhl", "ES", "35001"),
    ("ups", "ES", "35001"),
    ("dhl", "ES", "38001"),
    ("tnt", "IT", "07100"),
    ("dhl", "IT", "07100"),
    ("dhl", "GR", "84600"),
    ("ups", "DK", "3900"),
    ("dhl", "PT", "9500"),
    ("fedex", "BR", "69900"),
    ("dhl", "AR", "9410"),
    ("ups", "ID", "99351"),
    ("dhl", "PH", "5300"),
];

/// Normalises a postcode or city for remote lookup.
pub(crate) fn norm_postcode(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// An airline for air waybills: (prefix, name, hub airport).
pub(crate) static AIRLINES: &[(&str, &str, &str)] = &[
    ("172", "Cargolux", "LUX"),
    ("176", "Emirates SkyCargo", "DXB"),
    ("157", "Qatar Airways Cargo", "DOH"),
    ("618", "Singapore Airlines Cargo", "SIN"),
    ("160", "Cathay Pacific Cargo", "HKG"),
    ("020", "Lufthansa Cargo", "FRA"),
    ("001", "American Airlines Cargo", "DFW"),
    ("235", "Turkish Cargo", "IST"),
    ("784", "China Southern Cargo", "CAN"),
    ("999", "Air China Cargo", "PEK"),
    ("057", "Air France Cargo", "CDG"),
    ("074", "KLM Cargo", "AMS"),
    ("125", "IAG Cargo", "LHR"),
    ("180", "Korean Air Cargo", "ICN"),
    ("131", "JAL Cargo", "NRT"),
];

/// Destination airports for air waybills.
pub(crate) static AIRPORTS: &[&str] = &[
    "JFK", "ORD", "LAX", "MIA", "ATL", "LHR", "FRA", "AMS", "CDG", "MXP", "MAD", "NRT", "ICN",
    "SIN", "HKG", "PVG", "SYD", "GRU", "DXB", "JNB",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_big_and_unique() {
        // The hand-written carriers keep their place (logo numbers derive from it).
        for (c, k) in CARRIERS.iter().zip(CURATED) {
            assert_eq!(c.code, k.code);
        }
        assert!(CARRIERS.len() > 1000, "{} carriers", CARRIERS.len());
        let mut seen = std::collections::HashSet::new();
        for c in CARRIERS.iter() {
            assert!(
                seen.insert(c.code.to_ascii_lowercase()),
                "duplicate {}",
                c.code
            );
            assert!(!c.name.is_empty(), "{} has no name", c.code);
            assert!(
                c.homepage.is_empty() || c.homepage.starts_with("//"),
                "{}",
                c.code
            );
            assert!(
                c.country.is_empty()
                    || (c.country.len() == 2 && c.country.bytes().all(|b| b.is_ascii_uppercase())),
                "{} has country {:?}",
                c.code,
                c.country
            );
        }
        for c in CURATED {
            assert!(country(c.country).is_some(), "{} has no country", c.code);
            assert!(c.homepage.starts_with("//"));
        }
        for code in [
            "singapore-post",
            "china-ems",
            "china-post",
            "4px",
            "yanwen",
            "sto",
            "bestex",
            "ups",
            "fedex",
            "dhl",
            "tnt",
            "usps",
            "hong-kong-post",
            "colombia-post",
            "wishpost",
            "deutsche-post",
            "postnl-3s",
            "poste-italiane",
        ] {
            assert!(carrier(code).is_some(), "{code}");
        }
    }

    #[test]
    fn every_row_of_the_public_list_is_read() {
        let rows = PUBLIC_LIST
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(public_list().count(), rows);
        assert!(rows > 1000);
    }

    #[test]
    fn codes_real_integrations_use_are_known_with_type_and_country() {
        for (code, kind, cc) in [
            ("dhl-germany", Kind::Postal, "DE"),
            ("yodel", Kind::Express, "GB"),
            ("evri", Kind::Express, "GB"),
            ("dpd-uk", Kind::Express, "GB"),
            ("dhl-austria", Kind::Express, "AT"),
            ("austrian-post", Kind::Postal, "AT"),
            ("bpost", Kind::Postal, "BE"),
            ("ninjavan-id", Kind::Express, "ID"),
        ] {
            let c = carrier(code).unwrap_or_else(|| panic!("{code} unknown"));
            assert_eq!((c.kind, c.country), (kind, cc), "{code}");
        }
        assert_eq!(carrier("DHL-Germany").map(|c| c.code), Some("dhl-germany"));
        assert!(carrier("no-such-carrier").is_none());
        // The curated entry wins over the list's row for the same code.
        assert_eq!(carrier("china-ems").map(|c| c.kind), Some(Kind::Postal));
        assert!(carrier("china-ems").is_some_and(|c| c.ems));
        assert!(carrier("vnpost-ems").is_some_and(|c| c.ems));
    }

    #[test]
    fn detection_of_common_european_formats() {
        let codes = |n: &str| detect(n).iter().map(|c| c.code).collect::<Vec<_>>();
        assert_eq!(codes("JD0002123456789012"), ["yodel"]);
        assert_eq!(codes("JJD0002123456789012"), ["yodel", "dhl-germany"]);
        assert_eq!(codes("H01HYA0012345678"), ["evri", "hermes"]);
        assert_eq!(codes("00340434161234567890"), ["dhl-germany"]);
        assert_eq!(codes("15501234567890")[..2], ["dpd-uk", "dpd-de"]);
    }

    #[test]
    fn detection_patterns() {
        let codes = |n: &str| detect(n).iter().map(|c| c.code).collect::<Vec<_>>();
        assert_eq!(codes("RN123456789CN"), ["china-post"]);
        assert_eq!(codes("EA152565249CN"), ["china-ems", "china-post"]);
        assert_eq!(codes("RP893531375SG"), ["singapore-post"]);
        assert_eq!(codes("1Z97X17XYW06605211"), ["ups"]);
        assert_eq!(codes("1234567890"), ["dhl"]);
        assert_eq!(codes("9400111899223197428490"), ["usps", "fedex"]);
        assert_eq!(codes("123456789012"), ["fedex", "sto"]);
        assert!(codes("TMNOTFOUND001").is_empty());
    }
}
