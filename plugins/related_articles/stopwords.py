"""Built-in stop words: words too common in a language to tell articles apart.

Other languages can add theirs with the RELATED_ARTICLES_STOPWORDS setting; a
language with no list still ranks well, because very common words get a low
weight (and words in most of a language's articles are dropped, see ranking.py).
"""

SWEDISH = """
alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din dina
ditt du då där eller efter ej en er era ert ett från för ha hade han hans har henne hennes hon
honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig min mina mitt mot
mycket ni nu när någon något några och om oss på samma sedan sig sin sina sitta själv skulle
som så sådan sådana sådant till under upp ut utan vad var vara varför varit varje vars vart vem
vi vid vilka vilkas vilken vilket vår våra vårt än är åt över också även bara eftersom genom
hos kommer ska sätt får finns många mer mest nya olika redan se sina utan vilket två
""".split()

ENGLISH = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves also may must new one
two use used using well get gets many much
""".split()

BUILT_IN = {"sv": frozenset(SWEDISH), "en": frozenset(ENGLISH)}
