from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'alert.subject.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_shop_name = resolve('shop_name')
    l_0_title = resolve('title')
    l_0_problems = resolve('problems')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield '['
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '] '
    yield str((undefined(name='title') if l_0_title is missing else l_0_title))
    yield ' ('
    yield str(t_1((undefined(name='problems') if l_0_problems is missing else l_0_problems)))
    yield ')\n'

blocks = {}
debug_info = '1=21'