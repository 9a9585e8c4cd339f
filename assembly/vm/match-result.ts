// What evaluating a rule's match code can yield: besides pass/fail, a match may "hot-drop" the
// packet (xt_action_param.hotdrop): the packet is dropped on the spot, no rule counted.
export const MATCH_FAIL = 0;
export const MATCH_PASS = 1;
export const MATCH_HOTDROP = 2;
