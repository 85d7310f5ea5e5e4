"""Name pools of the synthetic world: a head of real names and a generated long tail.

Each origin group has, for family names and for female and male given names:

* a **head**: real, common names, in (roughly) their real order of frequency;
* a **tail**: names composed from the group's syllables (onset + optional middle +
  ending), one per frequency rank beyond the head, generated deterministically from
  the rank (``zicht.synth.names.tail_name``);
* a **frequency law** over ranks ``r = 1..size``: ``p(r) ~ 1 / (r + q)``, a Zipf law
  with a flattened head (``q``), as real family-name counts follow. ``q`` and ``size``
  are set so the most common name has about its real share: *de Jong* ~0.5% of the
  Dutch, *Nowak* ~0.6% of Poles, *Nagy* ~2% of Hungarians. Groups where a few names
  dominate (Vietnamese *Nguyen* ~38%, Chinese *Wang*/*Li*/*Zhang* ~7% each) give the
  head's shares explicitly (``shares``); the tail shares the rest by the Zipf law.

The numbers are deliberately round: they are not a census, but give each origin the
realistic *shape* a dedupe must handle (many unique names, a few very common ones).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GROUP_OF", "POOLS", "GroupPools", "Pool"]


@dataclass(frozen=True)
class Pool:
    """One name pool: real head, tail syllables, and the rank-frequency law."""

    head: tuple[str, ...]
    onsets: tuple[str, ...]
    middles: tuple[str, ...]
    endings: tuple[str, ...]
    q: float
    size: int
    shares: tuple[float, ...] = ()  # explicit shares of the first head names


@dataclass(frozen=True)
class GroupPools:
    """Family, female and male given-name pools of one origin group, and its habits."""

    family: Pool
    female: Pool
    male: Pool
    second_given: float  # share of persons with a second given name
    female_suffix: tuple[tuple[str, str], ...] = ()  # family-name endings by sex
    compound_family: float = 0.0  # two family names (Spanish: paternal + maternal)
    transliterated: bool = False  # written from another script: variant spellings


def _s(text: str) -> tuple[str, ...]:
    return tuple(text.split(","))


_NL_ON = _s("Ber,Hoog,Ver,Brink,Wes,Kam,Stee,Hof,Dijk,Mol,Gra,Zand,Wil,Bos,Kui,Rijn,Lam,"
            "Vel,Noor,Sche,Hui,Bus,Gel,Mei,Ens,Tim,Wou,Pos,Hen,Bak,Kor,Lin,Oos,Wit,Zwa,"
            "Ha,Dek,Hol,Ree,Spi,Ton,Uil,Val,Wa,Bro,Ge,Ka,Ro,Sme,Te")
_NL_MID = _s(",e,en,er,el,ke,ster,ge,de,len,ter")
_NL_END = _s("ink,man,ma,stra,huis,ker,ing,sen,s,hof,veld,berg,dijk,kamp,horst,beek,laar,"
             "broek,werf,inga,enga,mans,ers,land,boom,bosch,hout,wijk,link,sma")
_SLAV_ON = _s("Kow,Now,Wis,Woj,Kam,Lew,Ziel,Szym,Dab,Koz,Jank,Maz,Krawc,Pio,Grab,Pawl,"
              "Mich,Zaj,Krol,Wiecz,Jab,Wrob,Maj,Olsz,Stan,Dud,Rut,Sik,Bar,Ostr,Tom,Pietr,"
              "Gor,Chm,Bor,Czar,Sob,Kub,Sad,Kac")
_SLAV_MID = _s(",al,ow,el,an,ar,ec,in,on")
_RO_ON = _s("Pop,Ion,Dum,Stoi,Gheor,Rad,Mun,Mat,Const,Mar,Dinu,Luc,Barb,Tud,Nic,Vas,Cos,"
            "Flor,Dra,Min,Oprea,Sand,Ene,Stanc,Mih,Neag,Cris,Toma,Lup,Iord,Bal,Chir")
_BG_ON = _s("Ivan,Georgi,Dimitr,Petr,Nikol,Hrist,Stoy,Todor,Ili,Angel,Atanas,Vasil,Kiril,"
            "Mar,Ston,Yord,Pen,Kostadin,Bor,Mitk,Slav,Zhel,Raden,Gospod,Dobr,Lyub,Tsvetk")
_HU_ON = _s("Nagy,Kov,Tot,Szab,Horv,Varg,Kis,Moln,Nem,Fark,Bal,Pap,Tak,Juh,Lak,Mesz,Olah,"
            "Simon,Rac,Fekete,Szil,Torok,Feh,Gal,Kere,Bir,Bod,Szu,Bar,Csi,Lan,Veg")
_NG_ON = _s("Oka,Ade,Oko,Eze,Osa,Obi,Igbi,Ogbe,Omo,Nwo,Uwa,Aig,Ehi,Olu,Ola,Aki,Chu,Ife,"
            "Ebe,Idah,Ose,Ibe,Nna,Ogu,Agbo,Ayo,Bab,Fola,Oye,Onye,Adu,Iwe,Eki,Ighe,Oba")
_NG_MID = _s(",ke,lu,ro,gbe,nwa,de,mo,si,ye,ra")
_NG_END = _s("fo,mi,nkwo,gie,sa,osa,ji,du,ike,ma,ye,gbe,wale,nde,kwe,zie,ator,dion,ogu,nna,"
             "lowo,yemi,de,ju,emi")
_WA_ON = _s("Dia,Ba,Ca,Tou,Kei,Men,Ow,Kam,Con,Ouat,Sang,Bang,Kon,Tra,Cou,Sa,Sy,Dra,Fof,"
            "Asa,Ama,Boa,Bod,Kabe,Mug,Nsu,Okel,Ochi,Tam,Kab,Jal,Sow,Ndi,Fal,Jall")
_WA_MID = _s(",ma,ra,la,ba,te,wu,ko,si")
_WA_END = _s("llo,h,ra,re,ta,sah,su,ra,teh,ttara,are,ba,te,ye,nda,ga,kwa,ng,ssa,o,di,ne,"
             "mbe,kou,bah")
_HORN_ON = _s("Tes,Hai,Ghe,Tek,Ber,Mehar,Ab,Yoh,Kid,Ham,Mus,Osm,Ibr,Adem,Sel,Ghir,Wel,Hag,"
              "Fits,Gebre,Tsegay,Ala,Moh,Ism,Yus,Idr,Bash,Kal,Nas")
_HORN_MID = _s(",a,e,ere,ma,ra,de,ge")
_HORN_END = _s("faye,le,brehiwet,mariam,selassie,dane,hannes,mid,ed,an,im,ay,ab,ir,u,ger,"
               "ane,ala,ay,ta,rat,lom,ros")
_AR_ON = _s("El Am,Ben,Ah,Moh,Bou,Az,Ham,Kar,Had,Sal,Ras,Nas,Fad,Kh,Dr,Meh,Tah,Sab,Hass,"
            "Ouch,Lah,Zah,Mus,Bel,Ait,Cher,Ouaz,Yas,Rah,Aziz")
_AR_MID = _s(",a,ou,i,da,ha,za,ra")
_AR_END = _s("rani,ali,med,amed,dich,iz,mi,oudi,lil,ni,san,ri,kaoui,di,ouni,ssi,chi,lal,"
             "bar,bi,dad,ane,ouz,diri,imi")
_EAST_ON = _s("Shev,Kov,Bond,Tkach,Krav,Oliy,Shevch,Pol,Hox,Kras,Ber,Gash,Jov,Petr,Nik,"
              "Mark,Stoj,Smir,Kuzn,Pop,Vas,Sokol,Mikh,Fed,Mor,Vol,Zay,Pavl,Sem,Egor,Kis")
_EAST_MID = _s(",al,en,ar,ov,ash,el,in")
_EAST_END = _s("chenko,enko,uk,yuk,ov,ev,in,ich,ovic,evic,aj,i,a,ko,niuk,sky,ak,ets,ovych")
_VN_ON = _s("Nguy,Tr,L,Ph,Ho,Hu,V,Đ,B,Ng,Dươ,L,Tru,Đi,Mai,Cao,Ta,Ki,La,Th,Qu,Lu,Ch")
_VN_END = _s("en,an,e,am,ang,ynh,u,o,ong,uong,ai,ao,ieu,inh,ach,uy,oc,a,anh")
_CN_ON = _s("W,L,Zh,Ch,Y,H,X,S,G,M,Zh,D,F,T,J,Q,K,R,Sh,P,N,B,C")
_CN_END = _s("ang,i,ao,en,u,ui,ong,ai,eng,an,in,ing,uo,ou,ei,iang,uan,ian,ia")
_AS_ON = _s("Sri,Sae,Kum,Sin,San,Rey,Cru,Wija,Hoss,Bun,Chai,Won,Pat,Sha,Gup,Dela,Mend,Gar,"
            "Sur,Pra,Kit,Jai,Ram,Set,Hari,Put,Das,Rah,Nar,Bau,Lim,Tan,Aqu,Bau")
_AS_MID = _s(",a,i,on,ar,ti,ya,ra,ma")
_AS_END = _s("suk,tang,ar,gh,tos,es,z,ya,ni,pong,chai,sri,el,ma,ta,rno,wan,to,dee,sa,"
             "ngkul,ni,ez,ino,wati")
_LA_ON = _s("Sil,San,Oli,Sou,Rodr,Gom,Gonz,Mart,Per,Hern,Gar,Diaz,Lop,Ram,Torr,Flor,Riv,"
            "Mor,Jim,Alv,Rom,Cas,Varg,Muñ,Ort,Guer,Med,Agu,Cab,Pach,Bor,Lim,Carv,Alm")
_LA_MID = _s(",e,a,i,er,ar,an")
_LA_END = _s("va,tos,veira,za,íguez,ez,ález,ínez,es,ira,ena,o,ado,ano,ón,ero,ares,eda,"
             "ilho,ães,ida,ino,illa,uez")
_EU_ON = _s("Kaz,Pet,Jank,Nov,Hor,Fer,Per,Lop,Sanch,Dvo,Sva,Kral,Mack,Bala,Stank,Zuk,"
            "Rib,Sou,Cost,Mart,Nun,Gon,Alv,Pint,Vais,Mik,Butk,Pau,Jas")
_EU_MID = _s(",a,e,o,au,el,in")
_EU_END = _s("lauskas,kus,ak,ák,ová,eira,ez,ez,ych,ik,ek,as,is,ys,ius,ta,es,eiro,aitis,"
             "enas,ec,ka")

#: given-name syllables (female, male) shared by groups of similar naming traditions
_GIVEN_EUR = (_s("An,Ma,Li,Ro,Ju,El,Fe,Sa,No,Ev,Ti,Jo,Da,Mi,Ka,Lo,Ne,Ri,Sil,Mar,Kat,Ag,"
                 "Ste,Ha,Ir,Mo,Na,Ve,Ze,Cla,Ele,Gre"), _s(",a,e,i,li,ri,ne,la"),
              _s("na,ke,nke,ra,lie,lien,ja,sa,ntje,nne,ta,ssa,ka,nia,ra,dra,lla,ina,ita,"
                 "ena,ola,ine"))
_GIVEN_EUR_M = (_s("Ja,Pe,Wi,Ko,Ma,To,Da,Ru,Ni,Ste,Ti,Bra,Je,Lu,Mi,Ro,Se,Ar,Be,Fra,Ge,Ha,"
                   "Ka,La,Os,Pa,Vi,Zo,Dri,Gus"), _s(",a,e,i,o,ri,de,ro"),
                _s("n,s,m,rt,k,d,l,ns,ek,as,or,ius,ij,ard,ert,mir,tan,vin,rk,ter,ian,us,io"))
_GIVEN_AF = (_s("Blessi,Pre,Fa,Mer,Gi,Peace,Osa,Eso,Ife,Chi,Ama,Ada,Nne,Ngo,Abe,Ayo,Fun,"
                "Kem,Tem,Yet,Sel,Hiw,Meaz,Fat,Ami,Mari,Haw,Ais,Aku,Efu,Ese,Uwa"),
             _s(",o,a,e,i,mi,ye"),
             _s("ng,cious,vour,cy,ft,se,he,oma,oma,ka,na,ze,mi,la,yo,ti,ta,ta,ma,ra,sha,"
                "sua,ye,ni,ma"))
_GIVEN_AF_M = (_s("Eme,Chi,Osa,Ike,Uche,God,Fri,Efo,Ola,Ade,Tun,Kwa,Kof,Yaw,Mama,Ibra,Ous,"
                  "Abdou,Moh,Yon,Sam,Mous,Dawi,Tes,Ber,Ham,Kid,Ali,Idr,Seg,Bak"),
               _s(",a,e,o,i,ne,du"),
               _s("ka,nedu,ro,nna,wi,day,sa,tunde,la,me,ku,dou,ma,mane,laye,nas,uel,sa,t,"
                  "fay,he,ane,ssa,ir,ou"))
_GIVEN_AS = (_s("Li,Ma,Mei,Xi,Yi,Nok,Siri,Pri,An,De,Mar,Tha,Lan,Hu,Ng,Ki,Ju,Ra,Su,Ha,Pa,"
                "Ay,Ro,Sa"), _s(",a,e,i,u,ya"),
             _s("nh,i,u,ng,k,porn,ya,gela,wi,yam,o,ong,a,ti,ni,na,hua,ying,yen,th,ta"))
_GIVEN_AS_M = (_s("Mi,Du,We,Ju,Som,Ra,Am,Jo,Ma,Bu,A,Hu,Qu,Tu,Ba,Lo,Ha,Pra,Ki,Ri,Yo,Zhi"),
               _s(",a,e,i,o,u,ha"),
               _s("nh,c,i,n,chai,hul,it,se,rk,di,li,ng,ang,ong,an,eng,sh,t,ao,wei,ram,jun"))


def _pool(head: str, syl: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
          q: float, size: int, shares: tuple[float, ...] = ()) -> Pool:
    return Pool(_s(head), syl[0], syl[1], syl[2], q, size, shares)


def _given(female: str, male: str, syl_f: tuple[tuple[str, ...], ...],
           syl_m: tuple[tuple[str, ...], ...], q: float = 8.0, size: int = 6000) -> \
        tuple[Pool, Pool]:
    return (_pool(female, syl_f, q, size), _pool(male, syl_m, q, size))  # type: ignore[arg-type]


def _group(family: Pool, given: tuple[Pool, Pool], second: float, **kw: object) -> GroupPools:
    return GroupPools(family, given[0], given[1], second, **kw)  # type: ignore[arg-type]


_SLAVIC_FEMALE = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))
_OV_FEMALE = (("ov", "ova"), ("ev", "eva"), ("in", "ina"), ("sky", "ska"))

POOLS: dict[str, GroupPools] = {
    "nl": _group(
        _pool("de Jong,Jansen,de Vries,van den Berg,van Dijk,Bakker,Janssen,Visser,Smit,"
              "Meijer,de Boer,Mulder,de Groot,Bos,Vos,Peters,Hendriks,van Leeuwen,Dekker,"
              "Brouwer,de Wit,Dijkstra,Smits,de Graaf,van der Meer,van der Linden,Kok,"
              "Jacobs,de Haan,Vermeulen,van den Heuvel,van der Veen,van den Broek,"
              "de Bruijn,de Bruin,van der Heijden,Schouten,van Beek,Willems,van Vliet",
              (_NL_ON, _NL_MID, _NL_END), 20, 300_000),
        _given("Sanne,Lisa,Anouk,Fleur,Sophie,Emma,Julia,Lotte,Eva,Iris,Femke,Romy,Laura,"
               "Anna,Maria,Johanna,Naomi,Daphne,Esmée,Chloë,Kim,Sarah,Nina,Demi,Britt,"
               "Shanice,Priscilla,Kimberley,Chantal,Melissa",
               "Daan,Sem,Lucas,Thijs,Jesse,Bram,Ruben,Niels,Stijn,Jeroen,Tim,Joël,Kevin,"
               "Rick,Mark,Dennis,Johannes,Hendrik,Jan,Pieter,Mohamed,Youssef,Anouar,"
               "Rachid,Mitchell,Jordy,Dylan,Glenn,Ricardo,Sven",
               _GIVEN_EUR, _GIVEN_EUR_M, q=12),
        0.35),
    "pl": _group(
        _pool("Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,"
              "Szymański,Woźniak,Dąbrowski,Kozłowski,Jankowski,Mazur,Wojciechowski,"
              "Kwiatkowski,Krawczyk,Kaczmarek,Piotrowski,Grabowski",
              (_SLAV_ON, _SLAV_MID, _s("ski,cki,czyk,ak,ek,ik,owski,ewski,iak,ny,as,ka,"
                                       "dzki,uk,ec")), 18, 150_000),
        _given("Anna,Katarzyna,Małgorzata,Agnieszka,Joanna,Magdalena,Barbara,Ewa,Monika,"
               "Aleksandra,Natalia,Karolina,Justyna,Dorota,Paulina",
               "Piotr,Krzysztof,Andrzej,Tomasz,Paweł,Michał,Łukasz,Marcin,Jan,Grzegorz,"
               "Marek,Adam,Jakub,Mateusz,Dariusz",
               _GIVEN_EUR, _GIVEN_EUR_M, q=5),
        0.40, female_suffix=_SLAVIC_FEMALE),
    "ro": _group(
        _pool("Popa,Popescu,Pop,Radu,Dumitru,Stan,Stoica,Gheorghe,Matei,Ciobanu,Ionescu,"
              "Rusu,Munteanu,Constantin,Șerban,Moldovan,Lungu,Marin,Tudor,Florea",
              (_RO_ON, _s(",a,e,i,ov,ul"), _s("escu,eanu,u,a,ache,oiu,ariu,ea,eș,ilă,ică,"
                                              "ean,ei")), 10, 80_000),
        _given("Maria,Elena,Ioana,Andreea,Mihaela,Alexandra,Ștefania,Cristina,Gabriela,"
               "Florentina,Nicoleta,Roxana,Daniela,Georgiana,Alina",
               "Andrei,Mihai,Ion,Alexandru,Florin,Ionuț,Gheorghe,Constantin,Marius,Adrian,"
               "Bogdan,Cristian,Vasile,Nicolae,Dumitru",
               _GIVEN_EUR, _GIVEN_EUR_M, q=5),
        0.35),
    "bg": _group(
        _pool("Ivanov,Georgiev,Dimitrov,Petrov,Nikolov,Hristov,Stoyanov,Todorov,Iliev,"
              "Angelov,Atanasov,Vasilev,Petkov,Kolev,Yordanov,Marinov,Popov,Stefanov",
              (_BG_ON, _s(",ch,k,ch,ar"), _s("ov,ev,ov,ev,ski,chev,kov,anov,inov")), 6, 25_000),
        _given("Maria,Ivana,Elena,Desislava,Gergana,Petya,Yordanka,Nikoleta,Violeta,"
               "Radostina,Tsvetelina,Silviya,Mariya,Hristina,Galina",
               "Georgi,Ivan,Dimitar,Nikolay,Petar,Hristo,Stoyan,Todor,Yordan,Kiril,Plamen,"
               "Valentin,Atanas,Vasil,Angel",
               _GIVEN_EUR, _GIVEN_EUR_M, q=4),
        0.05, female_suffix=_OV_FEMALE, transliterated=True),
    "hu": _group(
        _pool("Nagy,Kovács,Tóth,Szabó,Horváth,Varga,Kiss,Molnár,Németh,Farkas,Balogh,"
              "Papp,Takács,Juhász,Lakatos,Mészáros,Oláh,Simon,Rácz,Fekete",
              (_HU_ON, _s(",a,e,o,ó"), _s("ács,h,ó,áth,a,s,ár,eth,as,gh,p,ász,os,i,ai,"
                                          "es,ák")), 4, 30_000),
        _given("Mária,Erzsébet,Katalin,Éva,Zsófia,Anikó,Réka,Ildikó,Krisztina,Andrea,"
               "Judit,Eszter,Nikolett,Bernadett,Viktória",
               "László,István,József,János,Zoltán,Sándor,Gábor,Ferenc,Attila,Péter,Tamás,"
               "Zsolt,Tibor,Lajos,Csaba",
               _GIVEN_EUR, _GIVEN_EUR_M, q=4),
        0.10),
    "ng": _group(
        _pool("Okafor,Adeyemi,Okonkwo,Eze,Osagie,Obi,Igbinosa,Ogbeide,Omoregie,Nwosu,"
              "Uwadia,Aigbe,Ehigiator,Osaro,Idahosa,Ogunleye,Adebayo,Olawale,Ibrahim,"
              "Chukwu,Okoro,Nnamdi,Iyamu,Osaghae",
              (_NG_ON, _NG_MID, _NG_END), 30, 150_000),
        _given("Blessing,Joy,Precious,Favour,Gift,Mercy,Peace,Osas,Esohe,Ifeoma,Chioma,"
               "Success,Patience,Faith,Glory,Princess,Vivian,Loveth,Osaretin,Ngozi",
               "Emeka,Chinedu,Osaro,Ikenna,Uche,Godwin,Friday,Efosa,Samuel,Daniel,Osagie,"
               "Sunday,Emmanuel,Festus,Kelvin,Victor,Ibrahim,Musa,Tunde,Segun",
               _GIVEN_AF, _GIVEN_AF_M, q=8),
        0.30),
    "wa": _group(
        _pool("Diallo,Bah,Camara,Barry,Sow,Touré,Keita,Traoré,Koné,Kamara,Conteh,Mensah,"
              "Owusu,Boateng,Asante,Ouattara,Coulibaly,Sesay,Jallow,Ceesay,Okello,Mugisha,"
              "Nsubuga,Fofana,Sylla",
              (_WA_ON, _WA_MID, _WA_END), 8, 60_000),
        _given("Fatoumata,Aminata,Mariama,Hawa,Aisha,Akosua,Ama,Abena,Kadiatou,Fatima,"
               "Grace,Esther,Mary,Sarah,Florence",
               "Mamadou,Ibrahima,Ousmane,Alpha,Abdoulaye,Kwame,Kofi,Moussa,Sekou,Lamin,"
               "Mohamed,Abdul,Samuel,Joseph,Moses",
               _GIVEN_AF, _GIVEN_AF_M, q=5),
        0.15),
    "horn": _group(  # Eritrean, Ethiopian, Sudanese: family name = a father's name
        _pool("Tesfaye,Haile,Gebremedhin,Tekle,Berhane,Mehari,Abraha,Yohannes,Kidane,"
              "Mohammed,Ahmed,Hamid,Osman,Ibrahim,Adem,Tesfay,Ghebre,Woldu,Mussie,Ali",
              (_HORN_ON, _HORN_MID, _HORN_END), 4, 20_000),
        _given("Selam,Helen,Hiwet,Meaza,Senait,Luwam,Mariam,Fatima,Amna,Hana,Eden,Saba,"
               "Rahel,Yordanos,Feven",
               "Yonas,Dawit,Tesfay,Berhane,Kidane,Mohammed,Ahmed,Abdallah,Samuel,Filmon,"
               "Semere,Biniam,Daniel,Mehari,Yohannes",
               _GIVEN_AF, _GIVEN_AF_M, q=4),
        0.0, transliterated=True),
    "arab": _group(
        _pool("El Amrani,Benali,Ahmed,Mohamed,Bouzid,El Idrissi,Hassan,Ait Ali,Saidi,"
              "Ouali,Amrani,Hamdi,Khalil,Mansour,Rachidi,Chaoui,Aziz,Benaissa,El Khatib,"
              "Tahiri",
              (_AR_ON, _AR_MID, _AR_END), 25, 80_000),
        _given("Fatima,Khadija,Aicha,Nadia,Samira,Malika,Amina,Zineb,Hafsa,Meryem,Salma,"
               "Houda,Loubna,Nora,Yasmina",
               "Mohamed,Ahmed,Youssef,Said,Mustapha,Rachid,Abdelkader,Hassan,Karim,Omar,"
               "Khalid,Hicham,Nabil,Ali,Mehdi",
               _GIVEN_AF, _GIVEN_AF_M, q=4),
        0.05, transliterated=True),
    "east": _group(
        _pool("Shevchenko,Kovalenko,Bondarenko,Tkachenko,Kravchenko,Melnyk,Hoxha,Krasniqi,"
              "Berisha,Gashi,Jovanović,Petrović,Nikolić,Ivanov,Smirnov,Kuznetsov,Popov,"
              "Rusu,Ceban,Lupu",
              (_EAST_ON, _EAST_MID, _EAST_END), 12, 100_000),
        _given("Olena,Iryna,Natalia,Oksana,Yulia,Tetiana,Elira,Ana,Jelena,Svetlana,Anastasia,"
               "Ekaterina,Olga,Ana-Maria,Marija",
               "Oleksandr,Andriy,Serhiy,Volodymyr,Arben,Dritan,Dragan,Nikola,Sergei,"
               "Dmitri,Aleksandr,Ivan,Vasile,Ion,Marko",
               _GIVEN_EUR, _GIVEN_EUR_M, q=5),
        0.05, female_suffix=_OV_FEMALE, transliterated=True),
    "vn": _group(
        _pool("Nguyễn,Trần,Lê,Phạm,Hoàng,Huỳnh,Phan,Vũ,Võ,Đặng,Bùi,Đỗ,Hồ,Ngô,Dương,Lý",
              (_VN_ON, _s(""), _VN_END), 5, 500,
              shares=(.38, .11, .095, .07, .051, .051, .045, .039, .029, .021, .02, .014,
                      .013, .013, .01, .005)),
        _given("Thị Lan,Thị Hoa,Thị Mai,Thị Hương,Thị Thu,Thị Linh,Ngọc Anh,Thu Trang,"
               "Thị Hằng,Thị Ngọc,Thị Thảo,Thị Huyền",
               "Văn Minh,Văn Hùng,Văn Nam,Đức Anh,Văn Long,Minh Tuấn,Văn Thắng,Quốc Bảo,"
               "Văn Dũng,Văn Hải,Thanh Tùng,Hoàng Nam",
               _GIVEN_AS, _GIVEN_AS_M, q=10, size=4000),
        0.0),
    "cn": _group(
        _pool("Wang,Li,Zhang,Liu,Chen,Yang,Huang,Zhao,Wu,Zhou,Xu,Sun,Ma,Zhu,Hu,Guo,He,"
              "Lin,Gao,Luo",
              (_CN_ON, _s(""), _CN_END), 5, 2000,
              shares=(.072, .07, .066, .053, .045, .031, .022, .022, .02, .019, .016, .015,
                      .014, .013, .012, .011, .011, .01, .009, .008)),
        _given("Mei,Xiu Ying,Li Na,Jing,Yan,Hui,Xiao Hong,Ying,Fang,Min,Lan,Ling",
               "Wei,Jun,Hao,Lei,Jie,Tao,Qiang,Ming,Yong,Bin,Chao,Gang",
               _GIVEN_AS, _GIVEN_AS_M, q=15, size=8000),
        0.0, transliterated=True),
    "asia": _group(
        _pool("Srisuk,Saetang,Kumar,Singh,Sharma,Santos,Reyes,Cruz,Bautista,Garcia,"
              "Wijaya,Hosseini,Ahmadi,Kaur,Patel,Mendoza,Dela Cruz,Suryadi",
              (_AS_ON, _AS_MID, _AS_END), 30, 150_000),
        _given("Siriporn,Nok,Priya,Maria,Angelica,Dewi,Maryam,Sunita,Kanya,Jasmine,Rosa,"
               "Lakshmi,Fatemeh,Ayu,Mary Ann",
               "Somchai,Rahul,Amit,Jose,Mark,Budi,Ali,Reza,Arjun,John Paul,Ramesh,Anan,"
               "Agus,Juan,Vikram",
               _GIVEN_AS, _GIVEN_AS_M, q=8),
        0.20, transliterated=True),
    "latam": _group(
        _pool("Silva,Santos,Oliveira,Souza,Rodríguez,Gómez,González,Martínez,Pérez,"
              "Hernández,García,Díaz,López,Ramírez,Torres,Flores,Rivera,Moreno,Jiménez,"
              "Álvarez",
              (_LA_ON, _LA_MID, _LA_END), 6, 60_000),
        _given("Ana,Juliana,Camila,Valentina,Daniela,María José,Lucía,Gabriela,Fernanda,"
               "Carolina,Andrea,Paola,Yesenia,Luz Marina,Mariana",
               "João,José,Carlos,Luis,Juan,Andrés,Diego,Jorge,Miguel,Pedro,Felipe,"
               "Alejandro,Rafael,Ramón,Francisco",
               _GIVEN_EUR, _GIVEN_EUR_M, q=5),
        0.45, compound_family=0.5),
    "eu": _group(
        _pool("Kazlauskas,Petrauskas,Jankauskas,Novák,Horváth,Varga,Ferreira,Pereira,"
              "López,Sánchez,Dvořák,Svoboda,Kováč,Balogová,Costa,Martins,Fernández",
              (_EU_ON, _EU_MID, _EU_END), 15, 100_000),
        _given("Rūta,Zuzana,Ana,Inês,Carmen,Lucie,Jana,Eva,Petra,Laura,Agnė,Beatriz,"
               "Kristina,Marta,Simona",
               "Tomas,Peter,Rui,Pedro,Javier,Jan,Martin,Jonas,Lukas,Mindaugas,Pavel,Tiago,"
               "Miguel,Ján,Petr",
               _GIVEN_EUR, _GIVEN_EUR_M, q=5),
        0.30),
}

#: nationality (ISO) -> origin group; unknown nationalities draw from West Africa,
#: the largest foreign origin among presumed victims of unknown nationality.
GROUP_OF: dict[str, str] = {
    "NL": "nl", "SR": "nl", "PL": "pl", "RO": "ro", "MD": "east", "BG": "bg", "HU": "hu",
    "NG": "ng", "GH": "wa", "GN": "wa", "SL": "wa", "CI": "wa", "GM": "wa", "CM": "wa",
    "UG": "wa", "ER": "horn", "ET": "horn", "SD": "horn", "MA": "arab", "EG": "arab",
    "IR": "asia", "UA": "east", "AL": "east", "RS": "east", "RU": "east",
    "BR": "latam", "CO": "latam", "VE": "latam", "DO": "latam",
    "CN": "cn", "VN": "vn", "TH": "asia", "IN": "asia", "PH": "asia", "ID": "asia",
    "LT": "eu", "SK": "eu", "CZ": "eu", "PT": "eu", "ES": "eu",
}
