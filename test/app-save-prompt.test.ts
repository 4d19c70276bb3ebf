// The save prompt behind both of the app's saves (the check's run, the end's profile), as a
// pure reducer: its rules tested once here, and each step's own part of it (the default
// name, what an empty path means) where the step makes its prompt.
import { describe, expect, it } from 'vitest';
import { doneReducer, doneStep } from '../src/ui/state/done.js';
import { runSave } from '../src/ui/state/run-save.js';
import { type SavePrompt, type SavePromptAction, promptOpen, savePrompt, savePromptReducer } from '../src/ui/state/save-prompt.js';

const reduce = (s: SavePrompt, ...actions: SavePromptAction[]) => actions.reduce(savePromptReducer, s);
const type = (text: string): SavePromptAction => ({ type: 'text', action: { type: 'insert', text } });
const CLEAR: SavePromptAction = { type: 'text', action: { type: 'clear' } };
const SAVE: SavePromptAction = { type: 'save' };
const EXISTS: SavePromptAction = { type: 'exists' };
const REFUSED = { error: 'give a file name' };

describe('the save prompt', () => {
  it('starts asking, with the path given and the cursor after it', () => {
    expect(savePrompt('site.json', 'quit')).toEqual({
      path: { value: 'site.json', cursor: 9 },
      phase: 'ask',
      force: false,
      savedTo: null,
      error: null,
      whenEmpty: 'quit',
    });
  });

  it("an empty path is answered as the prompt was made: quit, or refused with the prompt's message", () => {
    expect(reduce(savePrompt('a.json', 'quit'), CLEAR, SAVE)).toMatchObject({ phase: 'quit', force: false, error: null });
    expect(reduce(savePrompt('a.json', REFUSED), CLEAR, SAVE)).toMatchObject({ phase: 'failed', force: false, error: 'give a file name' });
    // Blanks are no path either.
    expect(reduce(savePrompt('   ', 'quit'), SAVE).phase).toBe('quit');
    expect(reduce(savePrompt('   ', REFUSED), SAVE).phase).toBe('failed');
  });

  it('a path is saved without force; an existing file asks, and the next save is the yes', () => {
    let s = reduce(savePrompt('a.json', REFUSED), SAVE);
    expect(s).toMatchObject({ phase: 'saving', force: false });
    s = reduce(s, EXISTS);
    expect(s).toMatchObject({ phase: 'confirm', force: false });
    s = reduce(s, SAVE);
    expect(s).toMatchObject({ phase: 'saving', force: true });
    s = reduce(s, { type: 'saved', path: 'dir/a.json' });
    expect(s).toMatchObject({ phase: 'saved', savedTo: 'dir/a.json', error: null });
  });

  it('typing after the question takes back the yes: the new path is asked about again', () => {
    const asked = reduce(savePrompt('a.json', 'quit'), SAVE, EXISTS);
    const retyped = reduce(asked, type('x'));
    expect(retyped).toMatchObject({ path: { value: 'a.jsonx' }, phase: 'ask', force: false });
    expect(reduce(retyped, SAVE)).toMatchObject({ phase: 'saving', force: false });
    // Nor does a confirmed save that failed carry its yes over to the path typed next.
    const forcedThenFailed = reduce(asked, SAVE, { type: 'failed', message: 'disk full' });
    expect(forcedThenFailed).toMatchObject({ phase: 'failed', force: true });
    expect(reduce(forcedThenFailed, type('2'))).toMatchObject({ phase: 'ask', force: false, error: null });
  });

  it('a failure shows its message until the path is retyped, and then saves again', () => {
    let s = reduce(savePrompt('a.json', REFUSED), SAVE, { type: 'failed', message: 'a.json exists and is not a saved run' });
    expect(s).toMatchObject({ phase: 'failed', error: 'a.json exists and is not a saved run' });
    s = reduce(s, CLEAR, type('b.json'));
    expect(s).toMatchObject({ path: { value: 'b.json' }, phase: 'ask', error: null });
    expect(reduce(s, SAVE)).toMatchObject({ phase: 'saving', force: false, error: null });
    // An empty path refused, then a path typed: the refusal goes with it.
    s = reduce(savePrompt('', REFUSED), SAVE, type('c.json'));
    expect(s).toMatchObject({ phase: 'ask', error: null });
    // A save straight from a failure (not a question) is no yes.
    expect(reduce(savePrompt('d.json', REFUSED), SAVE, { type: 'failed', message: 'x' }, SAVE)).toMatchObject({ phase: 'saving', force: false });
  });

  it('takes the keys while asking, asked to confirm, or failed; not while saving, once saved or quit, nor when closed', () => {
    const base = savePrompt('a.json', 'quit');
    const open = (['ask', 'confirm', 'failed'] as const).map((phase) => promptOpen({ ...base, phase }));
    const shut = (['saving', 'saved', 'quit'] as const).map((phase) => promptOpen({ ...base, phase }));
    expect([open, shut, promptOpen(null)]).toEqual([[true, true, true], [false, false, false], false]);
  });
});

describe("each step's prompt", () => {
  it("the check's: named after the run's start (UTC), and an empty path refused in the prompt", () => {
    expect(runSave('2026-11-21T10:05:07.000Z').path.value).toBe('emaint-run-20261121-1005.json');
    expect(runSave(null).path.value).toBe('emaint-run.json');
    expect(reduce(runSave(null), CLEAR, SAVE)).toMatchObject({ phase: 'failed', error: 'give a file name for the run' });
  });

  it("the end's: the loaded profile or emaint-site.json, an empty path quits; scrolling leaves the prompt alone", () => {
    expect(doneStep(null, 'acme.json').save.path.value).toBe('acme.json');
    const step = doneStep(null, null);
    expect(step.save.path.value).toBe('emaint-site.json');
    expect(doneReducer(step, CLEAR).save).toMatchObject({ path: { value: '' }, phase: 'ask' });
    expect(doneReducer(doneReducer(step, CLEAR), SAVE).save.phase).toBe('quit');
    const scrolled = doneReducer(step, { type: 'scroll', move: 'down', lines: 5 });
    expect(scrolled.scroll).toBe(1);
    expect(scrolled.save).toBe(step.save);
  });
});
