from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'alert.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    parent_template = None
    pass
    parent_template = environment.get_template('_layout.html', 'alert.html')
    for name, parent_block in parent_template.blocks.items():
        context.blocks.setdefault(name, []).append(parent_block)
    yield from parent_template.root_render_func(context)

def block_body(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    _block_vars = {}
    l_0_title = resolve('title')
    l_0_problems = resolve('problems')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield '<h1 style="margin:0 0 8px;font-size:22px;">'
    yield escape((undefined(name='title') if l_0_title is missing else l_0_title))
    yield '</h1>\n<p>'
    yield escape(t_1((undefined(name='problems') if l_0_problems is missing else l_0_problems)))
    yield ' problem'
    yield escape(('s' if (t_1((undefined(name='problems') if l_0_problems is missing else l_0_problems)) != 1) else cond_expr_undefined("the inline if-expression on line 4 in 'alert.html' evaluated to false and no else section was defined.")))
    yield ' of this kind in the last hour (newest first):</p>\n<ul>'
    for l_1_p in (undefined(name='problems') if l_0_problems is missing else l_0_problems):
        _loop_vars = {}
        pass
        yield '<li><code>'
        yield escape((environment.getattr(l_1_p, 'ref') or '-'))
        yield '</code>: '
        yield escape(environment.getattr(l_1_p, 'detail'))
        yield '</li>'
    l_1_p = missing
    yield '</ul>\n<p style="color:#5b6275;font-size:13px;">More of the same this hour are recorded but not emailed again. Run <code>python -m checkout_kit doctor</code> or open the admin page to see every problem, and <code>python -m checkout_kit jobs retry</code> once the cause is fixed.</p>\n'

blocks = {'body': block_body}
debug_info = '1=12&2=17&3=34&4=36&5=40'