\version "2.24.0"
% A string quartet long enough for four pages; gen.sh keeps its page 2 (quartet-page2.pdf):
% no title, no time signature, only the short names (German) before each system.
\header { title = "Quartett" tagline = ##f }
m = \repeat unfold 160 { c''4 d'' e'' f'' | }
\score {
  \new StaffGroup <<
    \new Staff \with { instrumentName = "Violine 1" shortInstrumentName = "Vl. 1" } { \key es \major \m }
    \new Staff \with { instrumentName = "Violine 2" shortInstrumentName = "Vl. 2" } { \key es \major \m }
    \new Staff \with { instrumentName = "Bratsche" shortInstrumentName = "Br." } { \clef alto \key es \major \transpose c c, \m }
    \new Staff \with { instrumentName = "Violoncello" shortInstrumentName = "Vc." } { \clef bass \key es \major \transpose c c,, \m }
  >>
}
