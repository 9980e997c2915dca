"""Word lists shared by the analysis modules: data only.

Every list is written the same way, as whitespace-separated text read by ``word_list``, where an
underscore stands for the space inside a phrase ("prime_minister"). A trailing underscore on a
word prefix means the whole word ("war_" is not "warm").
"""

from __future__ import annotations


def word_list(text: str) -> tuple[str, ...]:
    """The entries of a list written as text: split on whitespace, "_" read as a space."""
    return tuple(word.replace("_", " ") for word in text.split())


# Function words that carry no topic; kept short so negations and numbers still count.
STOPWORDS = frozenset(
    word_list(
        """
        a about above after again against all also am an and any are aren't as at be because been
        before being below between both but by can could did do does doing down during each few for
        from further had has have having he her here hers herself him himself his how i if in into
        is it it's its itself just let me more most my myself no nor not now of off on once only or
        other our ours ourselves out over own said same say says she should so some such than that
        that's the their theirs them themselves then there these they this those through to too
        under until up very was we were what when where which while who whom why will with would you
        your yours yourself told according mr mrs ms dr one two year years new last first time also
        like
        """
    )
)

# --- Abbreviations ---------------------------------------------------------------------------
# Words that take a full stop without ending the sentence, as news copy writes them. Titles (and
# "No.", "St.") are (almost) never the last word of a sentence: capitalised ("said no." ends one).
TITLE_ABBREVIATIONS = word_list(
    """
    Mr Mrs Ms Mx Dr Prof Sen Rep Gov Gen Lt Col Capt Cpt Sgt Cmdr Adm Maj Brig Pres Supt Insp
    Atty Del St Ste Mt Ft No Nos Jr Sr Fr Rev Hon Amb Sec Dept Art Fig Op Vol
    """
)
# Abbreviations written in lower case.
LOWER_ABBREVIATIONS = word_list("vs v approx cf ca e.g i.e")
# Months: the full stop ends a sentence only when a new sentence clearly follows.
MONTH_ABBREVIATIONS = word_list("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec")
# Words that end sentences often enough when abbreviated ("… Ltd. The company …").
MAYBE_FINAL_ABBREVIATIONS = word_list("Inc Ltd Co Corp Plc LLC etc Bros")
ABBREVIATIONS = (
    *TITLE_ABBREVIATIONS,
    *LOWER_ABBREVIATIONS,
    *MONTH_ABBREVIATIONS,
    *MAYBE_FINAL_ABBREVIATIONS,
)
# Words that typically open a sentence: after a dotted acronym ("U.S.") or an abbreviation that
# may end one, the full stop ends the sentence only before one of these, because "U.S.
# President …" is far more common in news than a sentence ending in "U.S.".
SENTENCE_OPENERS = word_list(
    """
    the a an he she it they we i but and in on at this that these those there his her its their
    our after before when while as if however meanwhile yet so since last earlier later officials
    police one some many most
    """
)
# Opening words of a sentence that leans on the one before it ("He added …", "Their ideas …").
LEANING_OPENERS = word_list(
    """
    he she they it his her their its him them this these those that such but and also however
    moreover furthermore nevertheless nonetheless instead yet both another the_two the_former
    the_latter the_same
    """
)

# --- Summaries -------------------------------------------------------------------------------
# Caption, photo-credit and call-to-action markers anywhere in a sentence (lower case).
CAPTION_MARKERS = word_list(
    """
    (photo (image (picture (credit (video (file_photo (pictured (left (right (above (below
    (centre (center (inset (top) (bottom) (second_left (second_right
    """
)
NOISE_MARKERS = word_list(
    """
    read_more read_the_full click_here continue_reading download_the_app download_our_app
    cookie_polic all_rights_reserved getty_images ap_photo afp_photo afp/ reuters/ shutterstock
    photo_by photograph_by photo_courtesy photo_credit ©
    """
)

# --- Countries -------------------------------------------------------------------------------
# Names, demonyms and metonyms pycountry does not know, mapped to ISO 3166-1 alpha-2. Matching
# is case-sensitive (proper nouns), so "turkey" the bird or "chad" never match here.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": word_list(
        """
        US U.S. USA U.S.A. America American Americans Washington White_House Pentagon
        State_Department Capitol_Hill
        """
    ),
    "GB": word_list(
        """
        UK U.K. Britain Great_Britain British Briton Britons England Scotland Scottish Wales Welsh
        Northern_Ireland London Downing_Street Whitehall
        """
    ),
    "RU": word_list("Russia Russian Russians Moscow Kremlin Putin"),
    "IN": word_list("India Indian Indians New_Delhi Modi"),
    "CN": word_list("China Chinese Beijing Xi_Jinping PRC Xinjiang Tibet"),
    "UA": word_list("Ukraine Ukrainian Ukrainians Kyiv Kiev Zelensky Zelenskyy Donbas Crimea"),
    "IL": word_list("Israel Israeli Israelis Tel_Aviv Netanyahu IDF"),
    "PS": word_list("Palestine Palestinian Palestinians Gaza West_Bank Ramallah"),
    "IR": word_list("Iran Iranian Iranians Tehran Teheran"),
    "KP": word_list(
        """
        North_Korea North_Korean North_Koreans Pyongyang DPRK Korean_People's_Army Kim_Jong_Un
        Kim_Jong-un
        """
    ),
    "KR": word_list("South_Korea South_Korean South_Koreans Seoul"),
    "JP": word_list("Japanese Tokyo"),
    "DE": word_list("German Germans Berlin Bundestag"),
    "FR": word_list("French Elysee Élysée Macron"),
    "IT": word_list("Italian Italians Rome"),
    "ES": word_list("Spanish Madrid"),
    "TR": word_list("Turkey Türkiye Turkiye Turkish Ankara Erdogan Erdoğan"),
    "SY": word_list("Syria Syrian Syrians Damascus"),
    "IQ": word_list("Iraqi Iraqis Baghdad"),
    "AF": word_list("Afghan Afghans Kabul Taliban-run"),
    "PK": word_list("Pakistani Pakistanis Islamabad"),
    "SA": word_list("Saudi Saudis Riyadh"),
    "AE": word_list("UAE Emirati Abu_Dhabi Dubai United_Arab_Emirates"),
    "QA": word_list("Qatari Doha"),
    "EG": word_list("Egyptian Egyptians Cairo"),
    "LB": word_list("Lebanese Beirut"),
    "YE": word_list("Yemeni Sanaa"),
    "JO": word_list("Jordanian Amman"),
    "GE": word_list("Tbilisi Abkhazia South_Ossetia"),
    "AM": word_list("Armenian Yerevan"),
    "AZ": word_list("Azerbaijani Baku"),
    "BY": word_list("Belarusian Minsk Lukashenko"),
    "PL": word_list("Polish Poles Warsaw"),
    "HU": word_list("Hungarian Budapest"),
    "VE": word_list("Venezuelan Caracas"),
    "CU": word_list("Cuban Havana"),
    "MX": word_list("Mexican Mexicans"),
    "BR": word_list("Brazilian Brasilia Brasília"),
    "AR": word_list("Argentine Argentinian Buenos_Aires"),
    "CA": word_list("Canadian Canadians Ottawa"),
    "AU": word_list("Australian Australians Canberra New_South_Wales"),
    "NZ": word_list("New_Zealander Wellington"),
    "TW": word_list("Taiwanese Taipei Taiwan_Strait"),
    "HK": word_list("Hong_Kong"),
    "VN": word_list("Vietnamese Hanoi Vietnam"),
    "PH": word_list("Filipino Manila"),
    "ID": word_list("Indonesian Jakarta"),
    "TH": word_list("Thai Bangkok"),
    "MM": word_list("Burma Burmese Naypyidaw"),
    "BD": word_list("Bangladeshi Dhaka"),
    "LK": word_list("Sri_Lankan Colombo"),
    "NP": word_list("Nepalese Nepali Kathmandu"),
    "KZ": word_list("Kazakh Astana"),
    "NG": word_list("Nigerian Nigerians Abuja"),
    "ZA": word_list("South_African Pretoria"),
    "KE": word_list("Kenyan Nairobi"),
    "ET": word_list("Ethiopian Addis_Ababa"),
    "SD": word_list("Sudanese Khartoum Darfur El_Fasher"),
    "TD": word_list("Chadian N'Djamena"),
    "SS": word_list("South_Sudanese Juba"),
    "LY": word_list("Libyan Tripoli"),
    "ML": word_list("Malian Bamako"),
    "SO": word_list("Somali Mogadishu"),
    "CD": word_list(
        """
        DRC DR_Congo Democratic_Republic_of_Congo Democratic_Republic_of_the_Congo Kinshasa Congo
        """
    ),
    "CG": word_list("Republic_of_Congo Congo-Brazzaville Brazzaville"),
    "CZ": word_list("Czech_Republic Czech Prague"),
    "NL": word_list("Dutch Netherlands The_Hague Amsterdam"),
    "BE": word_list("Belgian"),
    "CH": word_list("Swiss Bern"),
    "SE": word_list("Swedish Swedes Stockholm"),
    "NO": word_list("Norwegian Oslo"),
    "FI": word_list("Finnish Finns Helsinki"),
    "DK": word_list("Danish Copenhagen"),
    "GR": word_list("Greek Athens"),
    "RS": word_list("Serbian Belgrade"),
    "RO": word_list("Romanian Bucharest"),
    "MD": word_list("Moldovan Chisinau"),
    "IE": word_list("Irish Dublin"),
    "PT": word_list("Portuguese Lisbon"),
    "AT": word_list("Austrian Vienna"),
    "VA": word_list("Vatican Holy_See"),
    "LA": word_list("Laos"),
    "BN": word_list("Brunei"),
    "CI": word_list("Ivory_Coast"),
    "CV": word_list("Cape_Verde"),
    "TL": word_list("East_Timor"),
    "SZ": word_list("Swaziland"),
    "MK": word_list("Macedonia"),
}

# Names a reader knows a country by, where pycountry's is the formal one ("Russian Federation",
# "Korea, Republic of").
COUNTRY_NAMES = {
    "RU": "Russia",
    "VN": "Vietnam",
    "BN": "Brunei",
    "VA": "Vatican",
    "KR": "South Korea",
    "KP": "North Korea",
    "IR": "Iran",
    "SY": "Syria",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "LA": "Laos",
    "PS": "Palestine",
    "TW": "Taiwan",
    "CD": "DR Congo",
    "CG": "Congo",
    "FM": "Micronesia",
    "CZ": "Czechia",
    "US": "United States",
    "GB": "United Kingdom",
    "CI": "Ivory Coast",
    "TR": "Türkiye",
}

# Aliases that name something else at least as often: counted only when the same country is
# also named unambiguously ("Jordan" with "Amman", "Georgia" with "Tbilisi").
AMBIGUOUS_COUNTRY_ALIASES = frozenset(
    word_list(
        """
        Georgia Georgian Jordan Chad Turkey Guinea Niger Jersey Korea Korean Congo Washington
        America Dominica Iceland Man Reunion Réunion Wellington Rome
        """
    )
)

# Phrases that contain a country alias but are not about that country: matched and dropped.
NOT_COUNTRIES = word_list(
    """
    New_Mexico New_Jersey New_England New_Guinea Indian_Ocean American_Indian Native_American
    Latin_America Latin_American South_America South_American North_America North_American
    Central_America Central_American Washington_Post Washington_state Washington_State
    George_Washington Denzel_Washington University_of_Washington Washington_Nationals
    Washington_Capitals Washington_Commanders Washington_Wizards Guinea_pig French_fries
    Turkish_delight Danish_pastry Swiss_cheese Greek_yoghurt Greek_yogurt Mexican_wave Chinese_food
    Indian_food Thai_food Spanish_flu Irish_Sea Dutch_courage Georgia_Tech Jordan_Henderson
    Michael_Jordan Jordan_Pickford Jordan_Peterson Chad_Johnson Congo_River American_Express
    American_Airlines British_Airways British_Museum British_Library Atlanta,_Georgia Rome,_Georgia
    Paris,_Texas Peru,_Indiana Holby_City
    """
)

# --- Organizations ---------------------------------------------------------------------------
# Short name → aliases (case-sensitive). Entries in AMBIGUOUS_ORGANIZATION_ALIASES only count
# when the organization is also named unambiguously ("ICC" is also the cricket council).
ORGANIZATIONS: dict[str, tuple[str, ...]] = {
    "UN": word_list(
        """
        UN U.N. United_Nations UN_Security_Council UN_General_Assembly Security_Council
        General_Assembly Human_Rights_Council UNSC
        """
    ),
    "NATO": word_list(
        """
        NATO Nato North_Atlantic_Treaty_Organization North_Atlantic_Treaty_Organisation
        North_Atlantic_alliance
        """
    ),
    "EU": word_list(
        "EU E.U. European_Union European_Commission European_Council European_Parliament"
    ),
    "BRICS": word_list("BRICS Brics"),
    "SCO": word_list("SCO Shanghai_Cooperation_Organisation Shanghai_Cooperation_Organization"),
    "ASEAN": word_list("ASEAN Asean Association_of_Southeast_Asian_Nations"),
    "G7": word_list("G7 G-7 Group_of_Seven"),
    "G20": word_list("G20 G-20 Group_of_20 Group_of_Twenty"),
    "OPEC": word_list("OPEC Opec OPEC+ Organization_of_the_Petroleum_Exporting_Countries"),
    "IAEA": word_list("IAEA International_Atomic_Energy_Agency"),
    "WTO": word_list("WTO World_Trade_Organization World_Trade_Organisation"),
    "IMF": word_list("IMF International_Monetary_Fund"),
    "World Bank": word_list("World_Bank"),
    "WHO": word_list("WHO World_Health_Organization World_Health_Organisation"),
    "AU": word_list("African_Union"),
    "Arab League": word_list("Arab_League League_of_Arab_States"),
    "OSCE": word_list(
        """
        OSCE Organization_for_Security_and_Co-operation_in_Europe
        Organisation_for_Security_and_Co-operation_in_Europe
        """
    ),
    "ICC": word_list("International_Criminal_Court ICC"),
    "ICJ": word_list("ICJ International_Court_of_Justice World_Court"),
    "Quad": word_list("Quadrilateral_Security_Dialogue Quad"),
    "AUKUS": word_list("AUKUS Aukus"),
    "RIC": word_list("RIC Russia-India-China"),
    "GCC": word_list("Gulf_Cooperation_Council GCC"),
    "OECD": word_list("OECD Organisation_for_Economic_Co-operation_and_Development"),
    "CSTO": word_list("CSTO Collective_Security_Treaty_Organization"),
    "EAEU": word_list("EAEU Eurasian_Economic_Union"),
    "Interpol": word_list("Interpol INTERPOL"),
    "UNHCR": word_list("UNHCR UN_refugee_agency"),
    "Hamas": word_list("Hamas"),
    "Hezbollah": word_list("Hezbollah Hizbollah"),
    "Taliban": word_list("Taliban"),
    "ISIS": word_list("ISIS ISIL Islamic_State Daesh"),
    "al-Qaeda": word_list("al-Qaeda al_Qaeda Al-Qaeda Al_Qaeda"),
    "Houthis": word_list("Houthis Houthi"),
}
AMBIGUOUS_ORGANIZATION_ALIASES = frozenset(word_list("ICC Quad RIC GCC Security_Council"))

# --- Themes ----------------------------------------------------------------------------------
# Lower-case word prefixes, matched at a word start case-insensitively; a trailing space means
# the whole word ("war " is not "warm").
THEMES: dict[str, tuple[str, ...]] = {
    "diplomacy": word_list(
        """
        diplomac diplomat summit bilateral ambassador embass foreign_minist foreign_polic
        foreign_secretar secretary_of_state envoy negotiat treaty treaties state_visit
        official_visit consul multilateral strategic_partnership talks_with peace_talks
        strategic_autonomy multi-alignment
        """
    ),
    "conflict": word_list(
        """
        war_ wars warfare invasion invade troops military airstrike air_strike offensive ceasefire
        cease-fire truce shelling missile front_line frontline battle combat armed insurgen rebel
        soldier artillery incursion hostilit militia paramilitar clash fighting_between
        exchanged_fire strike_on strikes_on struck_a mortar warship destroyer fighter_jet hostage
        siege besieged gunmen armed_men shot_down drone_attack disputed_border border_dispute
        territorial standoff annex occupied_territor disputed frontier
        """
    ),
    "sanctions": word_list("sanction embargo export_control blacklist asset_freeze frozen_assets"),
    "trade": word_list("trade tariff export import free-trade customs_union supply_chain"),
    "energy": word_list(
        "oil gas_ natural_gas pipeline lng crude energy opec refiner coal nuclear_power"
    ),
    "elections": word_list(
        """
        election electoral voter ballot referendum re-elected inaugurat polling_station candidate
        campaign_trail
        """
    ),
    "nuclear": word_list(
        """
        nuclear uranium enrichment warhead atomic non-proliferation proliferation wmd
        weapons_of_mass_destruction
        """
    ),
    "security": word_list(
        """
        security defence defense intelligence espionage spy_ spies arms_ weapon counter-terror
        maritime_security piracy pirate coast_guard navy naval
        """
    ),
    "migration": word_list("migrant refugee asylum deport immigra border_crossing people_smuggl"),
    "human rights": word_list(
        """
        human_rights rights_group political_prisoner torture crackdown dissident
        amnesty_international human_rights_watch persecut labour_camp labor_camp freedom_of_speech
        """
    ),
    "economy": word_list(
        """
        econom gdp inflation recession central_bank interest_rate currenc investment investor growth
        debt budget financ payment_system
        """
    ),
    "climate": word_list(
        """
        climate emission carbon global_warming net_zero net-zero paris_agreement greenhouse
        """
    ),
    "terrorism": word_list(
        """
        terror jihad extremis militant bombing suicide_bomb radicalis radicaliz isis isil
        islamic_state al-qaeda al_qaeda
        """
    ),
    "cyber": word_list("cyber hacker hacking ransomware disinformation data_breach malware"),
    "technology": word_list(
        "technolog semiconductor artificial_intelligence high-tech innovation startup drone"
    ),
    "unrest": word_list("protest demonstrator riot coup uprising unrest"),
}
# Themes that on their own say nothing about relations between states.
WEAK_THEMES = frozenset(word_list("economy technology climate trade energy"))

# --- Relevance -------------------------------------------------------------------------------
# State actors and the vocabulary of relations between states (prefixes, as for THEMES).
STATE_ACTORS = word_list(
    """
    minister president prime_minister premier ambassador diplomat envoy foreign_secretary
    secretary_of_state chancellor parliament lawmaker government kremlin white_house regime
    head_of_state foreign_ministry state_department defence_secretary defense_secretary spokesperson
    official authorities geopolitic sovereign allies alliance bilateral international_relations
    superpower coalition national_security army armed_forces junta cleric ayatollah ministry
    opposition_leader opposition_party ruling_party political_part mediator mediated brokered
    peacekeep humanitarian aid_agenc aid_worker international_law independence state_media
    state_television administration
    """
)
# Topics that make an article not geopolitics even when countries are named.
OFF_TOPIC: dict[str, tuple[str, ...]] = {
    "sport": word_list(
        """
        football soccer goal striker midfielder defender goalkeeper league premier_league
        champions_league world_cup euro_20 match tournament championship coach manager scored score
        fixture kick-off penalty half-time referee fans stadium squad cricket tennis golf rugby
        olympic medal grand_prix f1_ nba nfl innings wicket semi-final quarter-final final_whistle
        player season club team win_over victory_over draw_ cycling cyclist tour_de_france rider
        doping athlete paralymp race_ races_ racing marathon boxing title_fight champion
        """
    ),
    "celebrity": word_list(
        """
        celebrity actress actor singer pop_star rapper wedding married bride groom honeymoon
        red_carpet hollywood film_star movie album instagram tiktok reality_show reality_tv
        supermodel catwalk fashion gown designer guests romance engaged boyfriend girlfriend villa_
        ceremony star_
        stars_
        """
    ),
    "lifestyle": word_list(
        """
        recipe diet fitness holiday vacation travel_tips hotel restaurant beauty skincare horoscope
        dating garden interior wellness cooking chef
        """
    ),
    "product": word_list(
        """
        smartphone iphone android galaxy pixel gadget camera battery processor chipset display
        screen pre-order preorder priced_at retail features app_ apps_ laptop tablet wearable
        headphone specs megapixel 5g in_stores
        """
    ),
    "crime": word_list(
        """
        police arrested court_heard jailed sentenced murder stabbed stabbing crash burglar theft
        stolen robbery drunk victim inquest prosecutor jury crown_court magistrate
        """
    ),
    "history": word_list(
        """
        world_war_i world_war_one first_world_war second_world_war wwi ww1 wwii ww2 historian
        archaeolog centur grave remains_of buried museum anniversary memorial descendant ancestor
        letters map_
        """
    ),
    "business": word_list(
        """
        chief_executive ceo shareholder profit bonus tax_avoidance tax_bill accounts company
        companies firm_ brand customers board_game chairman
        """
    ),
    "health": word_list(
        """
        patient doctor hospital cancer disease symptom diagnos treatment surgery nhs virus infection
        vaccine clinic medical health_department
        """
    ),
}
