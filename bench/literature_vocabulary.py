"""What the literature generator's people are called and where they live: surnames (a
head of Scottish and Glasgow names and a long tail), given names by sex and birth
cohort, nicknames, spelling variants and phonetic rules, the keyboard's neighbours,
and Glasgow streets, districts and postcodes (`bench.literature_records` draws and
corrupts them). Plain data, written apart from `pathways.synth`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# --- Names -------------------------------------------------------------------------------

# Scottish and Glasgow surnames, roughly most common first (the order sets the skew).
FAMILY_NAMES = """
Smith Brown Wilson Campbell Stewart Thomson Robertson Anderson MacDonald Scott Reid
Murray Taylor Clark Ross Watson Morrison Paterson Young Mitchell Walker Fraser Miller
McDonald Gray Henderson Hamilton Johnston Duncan Graham Ferguson Kerr Davidson Bell
Cameron Kelly Martin Hunter Allan Mackenzie Grant Simpson MacKay McLean MacLeod Black
Russell Marshall Wallace Gibson Kennedy Gordon Burns Sutherland Stevenson Munro Milne
Watt Murphy Johnstone Craig Wood Muir Moore Sinclair Ritchie Thompson White Docherty
McMillan Millar Crawford Hughes Jones Williamson McIntosh Baird Fleming Boyle Wright
Lindsay Jackson Mackie Devlin Doherty O'Neill O'Donnell McGregor McKenzie McIntyre
McLaughlin McGuire McCann McGowan McKay McKenna McFarlane McAllister McCallum McCormack
McCulloch McDougall McEwan McFadden McGill McGinley McGlynn McGovern McGrath McInnes
McKinnon McLaren McLeod McManus McNeil McNally McPherson McQuade McRae McShane McSorley
McWilliams Gallagher Quinn Donnelly Devine Dunn Boyd Buchanan Currie Dick Drummond Forbes
Gallacher Gilmour Hay Hogg Houston Hutchison Irvine Jamieson Kirk Laing Lamont Lang Logan
Love Lynch Mair Matheson Maxwell Meikle Mullen Nicol Nicholson Orr Park Pollock Rae
Rankin Renton Shaw Skinner Sloan Stirling Strachan Tait Todd Turner Wylie Aitken
Alexander Archibald Armstrong Bain Barr Bruce Cairns Carr Christie Cochrane Connelly
Connor Cowan Cunningham Dalziel Dempsey Dickson Dolan Donaldson Dougan Dowie Duffy
Edwards Ewing Farrell Findlay Finlay Flynn Gemmell Gillespie Gilchrist Glen Goodwin Hall
Harkins Harvey Hart Hastie Higgins Hill Hood Howie Hume Inglis Jardine Keenan Kane Kyle
Lafferty Lennon Lees Little Lyons Malcolm Mann McArthur McBride McCabe McCafferty
McCluskey McColl McConnell McCracken McCreadie McDade McDermott McGeachie McGhee
McGuinness McHugh McKeown McLellan McMahon McNab McNeill McPhee McVey Meechan Milligan
Moffat Monaghan Montgomery Morton Nelson Neilson Ogilvie Patterson Paton Penman Porter
Rafferty Reilly Robb Robson Rodger Rooney Sharp Shields Short Sweeney Tennant Urquhart
Weir Whyte Wilkie Wilkinson Winter Yuill Ahmed Khan Ali Hussain Iqbal Akhtar Malik Shah
Butt Singh Kaur Begum Chaudhry Rashid Mohammed Wang Chen Nowak Kowalczyk Wojcik Kaminski
Lewandowski Popescu Horvath Balogh Osman Abdi Okafor Adeyemi Mensah MacIntyre MacLean
MacGregor MacMillan MacPherson MacKinnon MacAulay MacInnes MacNeil Mackintosh Macleod
Andersen Fyfe Gilmore Kidd Lawson Liddell Lockhart Mathieson Mowat Napier Niven Petrie
Pringle Rennie Sim Souter Stark Storrie Thow Valentine Waddell Yates Adams Baxter Beattie
Brady Brennan Byrne Caldwell Collins Connolly Crossan Daly Dunlop Fitzpatrick Fox Galloway
Hendry Kearney Kirkwood Lamb Loudon McAlpine McAteer McBain McCall McCann Moran Mulholland
Nairn O'Hara O'Hare Purdie Quigley Rowan Ryan Sheridan Slater Sweeney Toner Tracey Ward
""".split()

# The long tail: real populations hold thousands of rarer surnames (beyond the few
# hundred above, about a third of people). Made from Scottish place-name parts and
# Gaelic "Mc" patronymics, each tail name is rare.
TAIL_PREFIXES = """
Kil Glen Strath Dal Inver Auchter Bal Kin Loch Ard Ben Dun Pit Car Cul Drum Bar Tor Fin
Rath Lang Ash Black Whit Brae Cairn Craw
""".split()
TAIL_SUFFIXES = """
more lonie ross kirk ton field burn law shaw land wood side hill bank ford hall mont rie
gour lie ness holm moor dale
""".split()
MC_STEMS = """
Andrew Alister Phail Kechnie Kinlay Gilvray Lachlan Nair Robbie Taggart Quarrie Ilroy
Ilwraith Neish Crindle Kerrell Murdo Gurk Clure Cue Keever Gonigle Elhinney Gettigan
Aleer Bean Corkindale Crone Geever Glashan Indoe Jannet Kinstry Laren Lintock Luckie
Master Naught Onie Pake Rory Sporran Tavish Vicar Whirter
""".split()


# Given names by sex and birth cohort (born before 1985 / from 1985), commonest first.
MALE_OLDER = """
James John David Robert William Thomas Andrew Alexander Stephen Steven Michael Paul Mark
Kenneth George Ian Scott Colin Peter Brian Gordon Richard Douglas Graham Alan Allan Gary
Derek Francis Charles Hugh Joseph Patrick Gerard Martin Christopher Kevin Stuart Craig
Neil Iain Edward Donald Ronald Duncan Malcolm Norman Archibald Anthony Brendan Barry
Raymond Grant Fraser Ross Darren Jason Sean Keith Lee Wayne Philip Gregor Hamish Murray
Angus Walter Henry Samuel Matthew Daniel Jonathan Robin Dennis Terence Bernard Vincent
Dominic Roderick Euan Ewan Alistair Stewart Campbell Bryan Frank Jim Tam Gerry
""".split()
MALE_YOUNGER = """
James Jack Lewis Ryan Kyle Connor Liam Jamie Daniel Callum Dylan Jordan Nathan Aaron Adam
Cameron Lee Sean Michael Ross Scott Christopher Andrew Matthew Thomas Logan Ethan Lucas
Noah Harris Harry Finlay Rory Euan Kieran Declan Reece Ben Benjamin Joshua Jake Craig
Marc Darren Stephen Robert John David Mark Paul Calum Blair Ewan Kai Alfie Charlie Leo
Oliver Alexander Owen Murray Fraser Grant Conor Stuart Gary Steven Mohammed Muhammad Ali
Hamza Bilal Jakub Kacper Oskar Tyler Brandon Bradley Corey Shaun Zak Archie Lennon Max
Mason William Joseph Anthony Kevin Martin Gavin Grant Jason Luke Sam Samuel Alex
""".split()
FEMALE_OLDER = """
Margaret Elizabeth Mary Catherine Anne Janet Helen Patricia Susan Karen Linda Elaine
Lorraine Fiona Jacqueline Christine Isobel Agnes Jean Irene Moira Morag Sheila Sandra
Carol Caroline Angela Alison Julie Nicola Tracy Donna Lynne Gillian Kathleen Theresa
Frances Rose Marion Jennifer Shona Lesley Joanne Michelle Wendy Deborah Pamela Barbara
Maureen Ann Ellen Eileen Evelyn June Valerie Yvonne Kirsty Louise Lisa Claire Joan
Alexandra Rosemary Dorothy Heather Katherine Lynn Diane Denise Kim Suzanne Isabella
Christina Teresa Jessie Elspeth Rhona Ailsa Catriona Mhairi Bernadette Annette
""".split()
FEMALE_YOUNGER = """
Sarah Emma Laura Lauren Amy Rebecca Nicole Rachel Jennifer Gemma Stephanie Kirsty Lisa
Claire Hannah Chloe Megan Jade Shannon Danielle Kayleigh Natalie Samantha Jessica Courtney
Caitlin Erin Sophie Emily Olivia Ellie Abbie Amber Holly Leah Eilidh Rachael Victoria
Ashley Stacey Kelly Hayley Kerry Louise Amanda Lindsay Ruth Katie Catherine Kathryn Jodie
Demi Paige Taylor Morgan Niamh Grace Isla Freya Ava Ruby Millie Lucy Skye Aimee Zoe Carly
Kimberley Jasmine Aisha Fatima Zainab Maja Zuzanna Alexandra Elizabeth Charlotte Georgia
Molly Rosie Anna Kayla Toni Chelsea Jenna Robyn Shauna Leanne Lynsey Kirstie Ellie Nadia
""".split()

# Nicknames and short forms, by sex: formal name -> the forms agencies write instead.
MALE_NICKNAMES: dict[str, tuple[str, ...]] = {
    "James": ("Jim", "Jimmy", "Jamie"),
    "John": ("Johnny", "Jack", "Jock"),
    "William": ("Bill", "Billy", "Will", "Willie", "Liam"),
    "Robert": ("Rab", "Rob", "Robbie", "Bob", "Bobby"),
    "Alexander": ("Alex", "Sandy", "Alec", "Ally", "Sandro"),
    "Thomas": ("Tam", "Tom", "Tommy"),
    "Andrew": ("Andy", "Drew"),
    "Michael": ("Mick", "Mike", "Micky"),
    "Daniel": ("Dan", "Danny"),
    "Stephen": ("Steve", "Stevie"),
    "Steven": ("Steve", "Stevie"),
    "Joseph": ("Joe", "Joey"),
    "Patrick": ("Pat", "Paddy"),
    "Francis": ("Frank", "Frankie"),
    "Anthony": ("Tony", "Ant"),
    "Edward": ("Eddie", "Ed", "Ted"),
    "Richard": ("Rick", "Richie", "Dick"),
    "Matthew": ("Matt", "Matty"),
    "Samuel": ("Sam", "Sammy"),
    "Benjamin": ("Ben", "Benny"),
    "Jonathan": ("Jon", "Jonny"),
    "Christopher": ("Chris", "Kit"),
    "Charles": ("Charlie", "Chic"),
    "Gerard": ("Gerry", "Ged"),
    "Hugh": ("Shug", "Hughie"),
    "Kenneth": ("Ken", "Kenny"),
    "Donald": ("Donnie", "Don"),
    "Ronald": ("Ronnie", "Ron"),
    "Gordon": ("Gordie",),
    "Archibald": ("Archie", "Baldy"),
    "Henry": ("Harry", "Hank"),
    "Joshua": ("Josh",),
    "Nathan": ("Nat", "Nate"),
    "Callum": ("Cal",),
    "Cameron": ("Cammy",),
    "Douglas": ("Doug", "Dougie"),
    "Malcolm": ("Mac", "Calum"),
    "Lewis": ("Lew",),
    "Raymond": ("Ray",),
    "Bernard": ("Bernie",),
    "Terence": ("Terry",),
    "Dominic": ("Dom",),
    "Roderick": ("Roddy", "Rory"),
    "Vincent": ("Vince", "Vinnie"),
    "Zak": ("Zach",),
    "Philip": ("Phil",),
    "Frederick": ("Fred", "Freddie"),
    "Kieran": ("Kie",),
}
FEMALE_NICKNAMES: dict[str, tuple[str, ...]] = {
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty", "Elspeth"),
    "Margaret": ("Maggie", "Peggy", "Mags", "Meg", "Rita"),
    "Catherine": ("Kate", "Cathy", "Katie", "Cat"),
    "Katherine": ("Kate", "Kathy", "Katie"),
    "Kathryn": ("Kate", "Katie"),
    "Jacqueline": ("Jackie", "Jacqui"),
    "Jennifer": ("Jen", "Jenny"),
    "Rebecca": ("Becky", "Becca"),
    "Victoria": ("Vicky", "Tori"),
    "Samantha": ("Sam", "Sammi"),
    "Deborah": ("Debbie", "Debs"),
    "Christine": ("Chris", "Chrissie", "Tina"),
    "Christina": ("Tina", "Chrissie"),
    "Patricia": ("Pat", "Trish", "Tricia"),
    "Alexandra": ("Alex", "Lexi", "Sandra"),
    "Susan": ("Sue", "Susie"),
    "Jessica": ("Jess", "Jessie"),
    "Natalie": ("Nat",),
    "Nicola": ("Nicky", "Nikki"),
    "Amanda": ("Mandy",),
    "Kimberley": ("Kim",),
    "Abbie": ("Abigail",),
    "Isabella": ("Bella", "Izzy", "Isobel"),
    "Helen": ("Nell",),
    "Anne": ("Annie",),
    "Mary": ("Molly", "Mae"),
    "Janet": ("Jan", "Jessie"),
    "Joanne": ("Jo",),
    "Louise": ("Lou",),
    "Danielle": ("Dani",),
    "Stephanie": ("Steph",),
    "Charlotte": ("Charlie", "Lottie"),
    "Georgia": ("Georgie",),
    "Frances": ("Fran", "Frankie"),
    "Megan": ("Meg",),
    "Theresa": ("Tess", "Terri"),
    "Pamela": ("Pam",),
    "Valerie": ("Val",),
    "Dorothy": ("Dot", "Dottie"),
    "Kirsty": ("Kirst",),
    "Eleanor": ("Ellie", "Nell"),
    "Gillian": ("Gill", "Jill"),
}

# Spellings that sound alike, written either way (a given or a family name).
SPELLING_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Steven", "Stephen", "Stevan"),
    ("Sean", "Shaun", "Shawn"),
    ("Iain", "Ian"),
    ("Euan", "Ewan", "Ewen"),
    ("Callum", "Calum"),
    ("Graham", "Graeme", "Grahame"),
    ("Alan", "Allan", "Allen"),
    ("Neil", "Neal", "Niall"),
    ("Catherine", "Katherine", "Kathryn", "Catharine"),
    ("Lindsay", "Lindsey", "Linsey"),
    ("Rachel", "Rachael"),
    ("Hayley", "Haley", "Hailey"),
    ("Kayleigh", "Kayley", "Kaylee"),
    ("Theresa", "Teresa"),
    ("Mohammed", "Muhammad", "Mohamed", "Mohammad"),
    ("Connor", "Conor"),
    ("Zak", "Zac", "Zach"),
    ("Marc", "Mark"),
    ("Lynne", "Lynn"),
    ("Anne", "Ann"),
    ("Isobel", "Isabel", "Isabelle"),
    ("Gray", "Grey"),
    ("Reid", "Reed", "Read"),
    ("Thomson", "Thompson"),
    ("Millar", "Miller"),
    ("White", "Whyte"),
    ("Aitken", "Aitkin"),
    ("Johnston", "Johnstone"),
    ("Gallacher", "Gallagher"),
    ("Docherty", "Doherty", "Dougherty"),
    ("Connelly", "Connolly"),
    ("Neilson", "Nielsen"),
    ("Matheson", "Mathieson"),
    ("Hutchison", "Hutchinson"),
)

# Sound-alike spelling rules (Winkler's and GeCo's phonetic variations): pattern, then
# what replaces it. A rule that does not match a name does nothing.
PHONETIC_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^Mac(?=[A-Za-z]{3})"), lambda m: "Mc"),  # MacDonald -> McDonald
    (re.compile(r"^Mc(?=[A-Z])"), lambda m: "Mac"),  # McDonald -> MacDonald
    (re.compile(r"son$"), lambda m: "sen"),  # Anderson -> Andersen
    (re.compile(r"sen$"), lambda m: "son"),
    (re.compile(r"mson$"), lambda m: "mpson"),  # Thomson -> Thompson
    (re.compile(r"mpson$"), lambda m: "mson"),
    (re.compile(r"ston$"), lambda m: "stone"),
    (re.compile(r"stone$"), lambda m: "ston"),
    (re.compile(r"ph"), lambda m: "f"),  # Stephen -> Stefen
    (re.compile(r"^Ph"), lambda m: "F"),
    (re.compile(r"ie$"), lambda m: "y"),  # Jamie -> Jamy
    (re.compile(r"(?<=[^aeiou])y$"), lambda m: "ie"),  # Kelly -> Kellie
    (re.compile(r"ey$"), lambda m: "ie"),  # Bradley -> Bradlie
    (re.compile(r"([a-z])\1"), lambda m: m.group(1)),  # Russell -> Russel
    (re.compile(r"(?<=[aeiou])([lnrt])(?=[aeiouy]|$)"), lambda m: m.group(1) * 2),  # Alan
    (re.compile(r"^C(?=[aou])"), lambda m: "K"),  # Carl -> Karl
    (re.compile(r"^K(?=[aou])"), lambda m: "C"),
    (re.compile(r"(?<=n)th"), lambda m: "t"),  # Anthony -> Antony
)

# QWERTY keys next to each key, for substitution and insertion errors.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, str]:
    """Each letter's neighbours on a QWERTY keyboard (same row and the rows above and
    below, offset as the keys are)."""
    position = {ch: (r, c) for r, row in enumerate(KEYBOARD_ROWS) for c, ch in enumerate(row)}
    neighbours: dict[str, str] = {}
    for ch, (r, c) in position.items():
        near = []
        for other, (r2, c2) in position.items():
            # Rows are offset by about half a key: row r+1 key c2 sits under keys c2, c2+1.
            if other != ch and (
                (r2 == r and abs(c2 - c) == 1)
                or (r2 == r + 1 and c2 in (c - 1, c))
                or (r2 == r - 1 and c2 in (c, c + 1))
            ):
                near.append(other)
        neighbours[ch] = "".join(near)
    return neighbours


KEYBOARD_NEIGHBOURS = _keyboard_neighbours()

# --- Places ------------------------------------------------------------------------------

# Glasgow streets and the postcode district each is in.
STREETS: tuple[tuple[str, str], ...] = (
    ("Duke Street", "G31"), ("Argyle Street", "G3"), ("Sauchiehall Street", "G2"),
    ("Gallowgate", "G40"), ("London Road", "G40"), ("Shettleston Road", "G32"),
    ("Tollcross Road", "G32"), ("Edinburgh Road", "G33"), ("Cumbernauld Road", "G33"),
    ("Royston Road", "G21"), ("Springburn Road", "G21"), ("Balornock Road", "G21"),
    ("Saracen Street", "G22"), ("Possil Road", "G22"), ("Ashgill Road", "G22"),
    ("Maryhill Road", "G20"), ("Garscube Road", "G20"), ("Wyndford Road", "G20"),
    ("Great Western Road", "G12"), ("Byres Road", "G11"), ("Dumbarton Road", "G11"),
    ("Crow Road", "G11"), ("Anniesland Road", "G13"), ("Kelso Street", "G14"),
    ("Dalsetter Avenue", "G15"), ("Kinfauns Drive", "G15"), ("Lincoln Avenue", "G13"),
    ("Paisley Road West", "G51"), ("Govan Road", "G51"), ("Langlands Road", "G51"),
    ("Hardgate Road", "G51"), ("Mosspark Boulevard", "G52"), ("Hillington Road", "G52"),
    ("Nitshill Road", "G53"), ("Househillwood Road", "G53"), ("Pollokshaws Road", "G41"),
    ("Victoria Road", "G42"), ("Cathcart Road", "G42"), ("Allison Street", "G42"),
    ("Kilmarnock Road", "G43"), ("Clarkston Road", "G44"), ("Castlemilk Drive", "G45"),
    ("Ardencraig Road", "G45"), ("Barrhead Road", "G43"), ("Caledonia Road", "G5"),
    ("Crown Street", "G5"), ("Ballater Street", "G5"), ("Hope Street", "G2"),
    ("High Street", "G1"), ("Trongate", "G1"), ("Cathedral Street", "G4"),
    ("Parliamentary Road", "G4"), ("Baillieston Road", "G32"), ("Wellhouse Crescent", "G33"),
    ("Easterhouse Road", "G34"), ("Westerhouse Road", "G34"), ("Lochdochart Road", "G34"),
    ("Bridgeton Cross", "G40"), ("Dalmarnock Road", "G40"), ("Carntyne Road", "G32"),
    ("Gartcraig Road", "G33"), ("Provanmill Road", "G33"), ("Red Road", "G21"),
    ("Petershill Drive", "G21"), ("Milton Street", "G4"), ("Ruchill Street", "G20"),
    ("Kelvindale Road", "G12"), ("Hyndland Road", "G12"), ("Scotstoun Street", "G14"),
    ("Yoker Mill Road", "G13"), ("Kingsway", "G14"), ("Drumchapel Road", "G15"),
    ("Ibrox Street", "G51"), ("Copland Road", "G51"), ("Cardonald Place Road", "G52"),
    ("Penilee Road", "G52"), ("Priesthill Road", "G53"), ("Darnley Road", "G41"),
    ("Nithsdale Road", "G41"), ("Battlefield Road", "G42"), ("Croftfoot Road", "G44"),
    ("King's Park Avenue", "G44"), ("Carmunnock Road", "G44"), ("Glenacre Drive", "G45"),
    ("Main Street", "G72"), ("Hamilton Road", "G71"), ("Bellshill Road", "G71"),
    ("Glasgow Road", "G69"), ("Coatbridge Road", "G69"), ("Kirkintilloch Road", "G64"),
    ("Balmuildy Road", "G64"), ("Stirling Road", "G66"), ("Boclair Road", "G61"),
    ("Milngavie Road", "G62"), ("Renfrew Road", "G51"), ("Rutherglen Road", "G73"),
    ("Stonelaw Road", "G73"), ("Busby Road", "G76"), ("Fenwick Road", "G46"),
    ("Ayr Road", "G77"), ("Mearns Road", "G77"), ("Kirkintilloch Street", "G66"),
    ("Greenock Road", "PA4"), ("Clydebank Street", "G81"), ("Kilbowie Road", "G81"),
    ("Glasgow Road", "G81"), ("Dumbarton Road", "G81"), ("Govan Cross", "G51"),
)  # fmt: skip
# Glasgow's localities (config/glasgow/areas.toml) by postcode district; others: none.
AREA_OF_DISTRICT = {
    **dict.fromkeys(("G21", "G22", "G31", "G32", "G33", "G34", "G40"), "NE"),
    **dict.fromkeys(("G1", "G2", "G3", "G4", "G11", "G12", "G13", "G14", "G15", "G20"), "NW"),
    **dict.fromkeys(("G5", "G41", "G42", "G43", "G44", "G45", "G46", "G51", "G52", "G53"), "S"),
}
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters used in a postcode's unit
STREET_ABBREVIATIONS = {
    "Street": "St",
    "Road": "Rd",
    "Avenue": "Ave",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Place": "Pl",
    "Boulevard": "Blvd",
}
