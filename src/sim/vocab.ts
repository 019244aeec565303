/** Names the generator draws from: [ticker code, display name]. */
export type Named = readonly [code: string, name: string];

export const MLB_TEAMS: readonly Named[] = [
  ['NYY', 'New York Y'], ['BOS', 'Boston'], ['TB', 'Tampa Bay'], ['DET', 'Detroit'], ['MIA', 'Miami'],
  ['TEX', 'Texas'], ['CWS', 'Chicago WS'], ['CHC', 'Chicago C'], ['AZ', 'Arizona'], ['PIT', 'Pittsburgh'],
  ['SD', 'San Diego'], ['COL', 'Colorado'], ['WSH', 'Washington'], ['PHI', 'Philadelphia'], ['SEA', 'Seattle'],
  ['LAD', 'Los Angeles D'], ['SF', 'San Francisco'], ['ATL', 'Atlanta'], ['NYM', 'New York M'], ['HOU', 'Houston'],
  ['MIN', 'Minnesota'], ['CLE', 'Cleveland'], ['KC', 'Kansas City'], ['STL', 'St. Louis'], ['MIL', 'Milwaukee'],
  ['CIN', 'Cincinnati'], ['TOR', 'Toronto'], ['BAL', 'Baltimore'], ['LAA', 'Los Angeles A'], ['ATH', 'Athletics'],
];

export const NFL_TEAMS: readonly Named[] = [
  ['MIN', 'Minnesota'], ['DEN', 'Denver'], ['NYG', 'New York G'], ['NYJ', 'New York J'], ['KC', 'Kansas City'],
  ['BUF', 'Buffalo'], ['DAL', 'Dallas'], ['PHI', 'Philadelphia'], ['SF', 'San Francisco'], ['GB', 'Green Bay'],
  ['CHI', 'Chicago'], ['DET', 'Detroit'], ['BAL', 'Baltimore'], ['CIN', 'Cincinnati'], ['MIA', 'Miami'],
  ['NE', 'New England'], ['LAR', 'Los Angeles R'], ['SEA', 'Seattle'], ['PIT', 'Pittsburgh'], ['CLE', 'Cleveland'],
  ['HOU', 'Houston'], ['JAC', 'Jacksonville'], ['IND', 'Indianapolis'], ['TEN', 'Tennessee'], ['LV', 'Las Vegas'],
  ['LAC', 'Los Angeles C'], ['ATL', 'Atlanta'], ['NO', 'New Orleans'], ['TB', 'Tampa Bay'], ['CAR', 'Carolina'],
  ['ARI', 'Arizona'], ['WAS', 'Washington'],
];

export const EPL_TEAMS: readonly Named[] = [
  ['ARS', 'Arsenal'], ['CFC', 'Chelsea'], ['FUL', 'Fulham'], ['LFC', 'Liverpool'], ['MCI', 'Manchester City'],
  ['MUN', 'Manchester United'], ['TOT', 'Tottenham'], ['NEW', 'Newcastle'], ['AVL', 'Aston Villa'], ['BHA', 'Brighton'],
  ['WHU', 'West Ham'], ['EVE', 'Everton'], ['CRY', 'Crystal Palace'], ['BRE', 'Brentford'], ['WOL', 'Wolves'],
  ['NFO', 'Nottingham Forest'], ['BOU', 'Bournemouth'], ['LEE', 'Leeds United'], ['SUN', 'Sunderland'], ['BUR', 'Burnley'],
];

export const LALIGA_TEAMS: readonly Named[] = [
  ['RMA', 'Real Madrid'], ['BAR', 'Barcelona'], ['ATM', 'Atletico Madrid'], ['SEV', 'Sevilla'], ['VAL', 'Valencia'],
  ['VIL', 'Villarreal'], ['RSO', 'Real Sociedad'], ['BET', 'Real Betis'], ['ATH', 'Athletic Club'], ['OSA', 'Osasuna'],
  ['LEV', 'Levante'], ['MCF', 'Mallorca'], ['DEP', 'Deportivo Alaves'], ['GIR', 'Girona'], ['CEL', 'Celta Vigo'],
  ['GET', 'Getafe'], ['ESP', 'Espanyol'], ['RAY', 'Rayo Vallecano'], ['ELC', 'Elche'], ['OVI', 'Real Oviedo'],
];

export const SERIEA_TEAMS: readonly Named[] = [
  ['INT', 'Inter'], ['ACM', 'AC Milan'], ['JUV', 'Juventus'], ['NAP', 'Napoli'], ['ROM', 'Roma'],
  ['LAZ', 'Lazio'], ['ATA', 'Atalanta'], ['FIO', 'Fiorentina'], ['BOL', 'Bologna'], ['TOR', 'Torino'],
  ['UDI', 'Udinese'], ['GEN', 'Genoa'], ['COM', 'Como'], ['CAG', 'Cagliari'], ['LEC', 'Lecce'],
  ['PAR', 'Parma'], ['SAS', 'Sassuolo'], ['VER', 'Verona'], ['PIS', 'Pisa'], ['CRE', 'Cremonese'],
];

export const ATP_PLAYERS: readonly Named[] = [
  ['SIN', 'Jannik Sinner'], ['ALC', 'Carlos Alcaraz'], ['ZVE', 'Alexander Zverev'], ['DJO', 'Novak Djokovic'],
  ['FRI', 'Taylor Fritz'], ['DRA', 'Jack Draper'], ['MUS', 'Lorenzo Musetti'], ['RUN', 'Holger Rune'],
  ['DEM', 'Alex de Minaur'], ['SHE', 'Ben Shelton'], ['TIA', 'Frances Tiafoe'], ['PAU', 'Tommy Paul'],
  ['MED', 'Daniil Medvedev'], ['RUB', 'Andrey Rublev'], ['BAL', 'Federico Balbi'], ['KOV', 'Sebastian Kovac'],
  ['GUI', 'Pedro Guimaraes'], ['FEN', 'Luca Fenwick'], ['MEN', 'Jakub Mensik'], ['FON', 'Joao Fonseca'],
];

export const WTA_PLAYERS: readonly Named[] = [
  ['SAB', 'Aryna Sabalenka'], ['SWI', 'Iga Swiatek'], ['GAU', 'Coco Gauff'], ['PEG', 'Jessica Pegula'],
  ['RYB', 'Elena Rybakina'], ['AND', 'Mirra Andreeva'], ['PAO', 'Jasmine Paolini'], ['NAV', 'Emma Navarro'],
  ['KEY', 'Madison Keys'], ['ZHE', 'Qinwen Zheng'], ['KNU', 'Gabriela Knutson'], ['LEP', 'Varvara Lepchenko'],
  ['PAR', 'Diane Parry'], ['MAR', 'Sara Martens'], ['SVI', 'Elina Svitolina'], ['MUC', 'Karolina Muchova'],
];

export const CS2_TEAMS: readonly Named[] = [
  ['NAVI', 'Natus Vincere'], ['FAZE', 'FaZe Clan'], ['VIT', 'Team Vitality'], ['G2', 'G2 Esports'], ['MOUZ', 'MOUZ'],
  ['SPI', 'Team Spirit'], ['FUR', 'FURIA'], ['LIQ', 'Team Liquid'], ['MEI', 'MEIA NOITE'], ['BHE', 'Bounty Hunters Esports'],
  ['AST', 'Astralis'], ['HER', 'Heroic'], ['FAL', 'Team Falcons'], ['PAI', 'paiN Gaming'], ['MIB', 'MIBR'],
];

export interface Asset {
  code: string;
  name: string;
  unit: string;
  base: number;
  decimals: number;
  category: 'Financials' | 'Crypto';
  source: { name: string; url: string };
}

export const ASSETS: readonly Asset[] = [
  { code: 'GOLD', name: 'gold', unit: 'USD/ounce', base: 4650, decimals: 2, category: 'Financials', source: { name: 'CME Group', url: 'https://www.cmegroup.com' } },
  { code: 'SILVER', name: 'silver', unit: 'USD/ounce', base: 52.4, decimals: 2, category: 'Financials', source: { name: 'CME Group', url: 'https://www.cmegroup.com' } },
  { code: 'WTI', name: 'WTI crude oil', unit: 'USD/barrel', base: 67.8, decimals: 2, category: 'Financials', source: { name: 'CME Group', url: 'https://www.cmegroup.com' } },
  { code: 'PLATINUM', name: 'platinum', unit: 'USD/ounce', base: 1395, decimals: 2, category: 'Financials', source: { name: 'CME Group', url: 'https://www.cmegroup.com' } },
  { code: 'PALLADIUM', name: 'palladium', unit: 'USD/ounce', base: 1142, decimals: 2, category: 'Financials', source: { name: 'CME Group', url: 'https://www.cmegroup.com' } },
  { code: 'INX', name: 'S&P 500', unit: 'points', base: 6480, decimals: 2, category: 'Financials', source: { name: 'S&P Dow Jones Indices', url: 'https://www.spglobal.com/spdji' } },
  { code: 'NASDAQ100', name: 'Nasdaq-100', unit: 'points', base: 23650, decimals: 2, category: 'Financials', source: { name: 'Nasdaq', url: 'https://www.nasdaq.com' } },
  { code: 'BTC', name: 'Bitcoin', unit: 'USD', base: 112400, decimals: 2, category: 'Crypto', source: { name: 'CF Benchmarks', url: 'https://www.cfbenchmarks.com' } },
  { code: 'ETH', name: 'Ethereum', unit: 'USD', base: 4310, decimals: 2, category: 'Crypto', source: { name: 'CF Benchmarks', url: 'https://www.cfbenchmarks.com' } },
  { code: 'SOL', name: 'Solana', unit: 'USD', base: 208, decimals: 2, category: 'Crypto', source: { name: 'CF Benchmarks', url: 'https://www.cfbenchmarks.com' } },
  { code: 'XRP', name: 'XRP', unit: 'USD', base: 2.91, decimals: 4, category: 'Crypto', source: { name: 'CF Benchmarks', url: 'https://www.cfbenchmarks.com' } },
  { code: 'DOGE', name: 'Dogecoin', unit: 'USD', base: 0.2215, decimals: 5, category: 'Crypto', source: { name: 'CF Benchmarks', url: 'https://www.cfbenchmarks.com' } },
];

export interface City {
  code: string;
  name: string;
  station: string;
  normalHigh: number;
}

export const CITIES: readonly City[] = [
  { code: 'NY', name: 'NYC', station: 'Central Park, New York', normalHigh: 79 },
  { code: 'CHI', name: 'Chicago', station: 'Chicago Midway', normalHigh: 77 },
  { code: 'MIA', name: 'Miami', station: 'Miami International Airport', normalHigh: 89 },
  { code: 'AUS', name: 'Austin', station: 'Austin Bergstrom', normalHigh: 95 },
  { code: 'DEN', name: 'Denver', station: 'Denver International Airport', normalHigh: 84 },
  { code: 'LAX', name: 'Los Angeles', station: 'Los Angeles International Airport', normalHigh: 76 },
  { code: 'PHIL', name: 'Philadelphia', station: 'Philadelphia International Airport', normalHigh: 81 },
  { code: 'HOU', name: 'Houston', station: 'Houston Hobby', normalHigh: 92 },
];

export const COUNTRIES: readonly string[] = [
  'France', 'Germany', 'Japan', 'Brazil', 'Canada', 'India', 'Mexico', 'Italy', 'Spain', 'South Korea',
  'Australia', 'Argentina', 'Poland', 'Netherlands', 'Sweden', 'Turkey', 'Indonesia', 'Nigeria', 'Chile', 'Norway',
];

export const CANDIDATES: readonly Named[] = [
  ['MLIN', 'Maria Lindqvist'], ['JOKA', 'Jonas Okafor'], ['ATAN', 'Aiko Tanaka'], ['RSIL', 'Rafael Silva'],
  ['EMUL', 'Elena Muller'], ['DPAT', 'Dev Patel'], ['SBRO', 'Sarah Brooks'], ['LMOR', 'Luca Moretti'],
  ['NKOW', 'Nina Kowalski'], ['THAN', 'Tomas Hansen'], ['CREY', 'Carmen Reyes'], ['PDUB', 'Pierre Dubois'],
];

export const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
] as const;

/** Kalshi's sports rules end with this (copied from the captures). */
export const LEAGUE_DISCLAIMER =
  'Kalshi is not affiliated, associated, authorized, endorsed by, or in any way officially connected with the Governing League. All trademarks, logos, and brand names are the property of their respective owners.';

export const EARLY_CLOSE_WINNER = 'This market will close and expire after a winner is declared.';
export const EARLY_CLOSE_EVENT = 'This market will close and expire early if the event occurs.';
