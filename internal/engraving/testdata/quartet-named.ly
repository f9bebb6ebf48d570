\version "2.24.0"
% A string quartet with Italian staff names; B-flat major.
\header { title = "Quartetto" composer = "Test" tagline = ##f }
\score {
  \new StaffGroup <<
    \new Staff \with { instrumentName = "Violino I" } { \key bes \major \time 4/4 d''2 f''4 bes'' | a''2 g''2 | f''1 | }
    \new Staff \with { instrumentName = "Violino II" } { \key bes \major bes'2 d''4 f'' | f''2 e''2 | f''1 | }
    \new Staff \with { instrumentName = "Viola" } { \clef alto \key bes \major f'2 bes'4 d'' | c''2 c''2 | a'1 | }
    \new Staff \with { instrumentName = "Violoncello" } { \clef bass \key bes \major bes,2 d4 bes | f2 c2 | f1 | }
  >>
}
