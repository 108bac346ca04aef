from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'alert.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_title = resolve('title')
    l_0_problems = resolve('problems')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield str((undefined(name='title') if l_0_title is missing else l_0_title))
    yield '.\n\n'
    yield str(t_1((undefined(name='problems') if l_0_problems is missing else l_0_problems)))
    yield ' problem'
    yield str(('s' if (t_1((undefined(name='problems') if l_0_problems is missing else l_0_problems)) != 1) else cond_expr_undefined("the inline if-expression on line 3 in 'alert.txt' evaluated to false and no else section was defined.")))
    yield ' of this kind in the last hour (newest first):\n\n'
    for l_1_p in (undefined(name='problems') if l_0_problems is missing else l_0_problems):
        _loop_vars = {}
        pass
        yield '- '
        yield str((environment.getattr(l_1_p, 'ref') or '-'))
        yield ': '
        yield str(environment.getattr(l_1_p, 'detail'))
        yield '\n'
    l_1_p = missing
    yield '\nMore of the same this hour are recorded but not emailed again. Run\n`python -m checkout_kit doctor` or open the admin page to see every problem,\nand `python -m checkout_kit jobs retry` once the cause is fixed.\n'

blocks = {}
debug_info = '1=19&3=21&5=25&6=29'